"""Traditional-only character forms, for documents printed in simplified characters (营业执照, 居民身份证).

A value read from a document printed in simplified characters that holds a traditional form (``貨`` for 货,
``蔣`` for 蒋) was misread: the recogniser knows both scripts and sometimes returns the traditional form of the
printed simplified character, surely (``蔣菊德`` at 0.929, ``日用百貨`` at 0.918 on the licence calibration set).

**Provenance.** No conversion table is installed offline (no OpenCC, zhconv or Unihan data in the venv or on
the machine), so this is a hand-listed table of 493 traditional → simplified pairs (2026-12-06): the
traditional forms of the characters of the synthetic licences and cards (surnames, given names, business
scopes, entity types, capital numerals, region and street words) and of other frequent characters, after the
pairs of the 简化字总表 (1986) as the author knows them. It was not copied from a file and is not complete: a
traditional form missing here is simply not caught by this rule (the doubt line still applies). Every pair is
checked mechanically (``tests/capture/test_licence_rules.py``): the simplified form is in GB 2312 (the simplified
standard set), the traditional form is in Big5 (the traditional standard set) and **not** in GB 2312 — so a
character a simplified text may contain as a character of its own (乾, 著, 夥, 藉: all in GB 2312) is never
listed. Pairs are (traditional, simplified), ordered by the simplified form's GB 2312 code.
"""

from __future__ import annotations

from functools import cache

_PAIRS = (
    "壩坝辦办幫帮飽饱寶宝報报鮑鲍貝贝備备筆笔幣币閉闭邊边變变標标錶表別别濱滨賓宾餅饼財财參参蠶蚕倉仓冊册測测層层產产場场長长廠厂車车陳陈誠诚齒齿蟲虫綢绸醜丑儲储處处傳传創创蔥葱從从錯错達达貸贷擔担單单當当"
    "黨党檔档島岛導导燈灯鄧邓滌涤遞递點点電电調调頂顶訂订東东動动棟栋鬥斗獨独讀读斷断緞缎隊队對对頓顿鵝鹅額额兒儿爾尔貳贰發发髮发範范販贩飯饭紡纺飛飞廢废費费豐丰風风馮冯鳳凤膚肤複复負负婦妇蓋盖趕赶贛赣剛刚"
    "鋼钢崗岗閣阁個个龔龚構构購购夠够穀谷顧顾關关觀观館馆貫贯廣广規规歸归龜龟軌轨櫃柜貴贵鍋锅國国過过韓韩漢汉號号賀贺紅红護护戶户華华畫画劃划話话歡欢環环還还換换黃黄輝辉會会匯汇貨货機机跡迹雞鸡濟济計计記记"
    "際际繼继賈贾價价駕驾監监間间檢检鑒鉴踐践見见薑姜將将蔣蒋醬酱餃饺較较節节傑杰錦锦進进驚惊經经靜静鏡镜舊旧舉举據据劇剧覺觉軍军開开顆颗課课礦矿虧亏擴扩闊阔萊莱來来蘭兰覽览纜缆勞劳樂乐類类離离裡里禮礼麗丽"
    "歷历聯联連连鏈链練练糧粮輛辆療疗遼辽鄰邻賃赁齡龄鈴铃靈灵嶺岭領领劉刘龍龙樓楼蘆芦盧卢鹵卤魯鲁陸陆呂吕綠绿輪轮倫伦論论羅罗絡络碼码馬马買买麥麦賣卖滿满貿贸麼么門门們们麵面廟庙閩闽鳴鸣謀谋納纳難难腦脑鬧闹"
    "內内鳥鸟寧宁農农諾诺歐欧盤盘鵬鹏飄飘頻频貧贫蘋苹憑凭評评頗颇鋪铺齊齐騎骑氣气簽签錢钱強强橋桥輕轻慶庆區区驅驱權权確确讓让熱热認认榮荣軟软薩萨賽赛紗纱閃闪陝陕賞赏攝摄設设瀋沈勝胜師师詩诗時时實实識识駛驶"
    "勢势適适釋释飾饰視视試试輸输書书屬属術术數数雙双稅税順顺說说飼饲鬆松蘇苏訴诉雖虽隨随歲岁孫孙損损縮缩鎖锁臺台態态灘滩譚谭談谈湯汤燙烫濤涛題题體体條条鐵铁廳厅聽听銅铜統统頭头圖图團团灣湾萬万網网圍围為为"
    "維维偉伟衛卫溫温問问烏乌無无吳吴塢坞務务錫锡係系戲戏蝦虾廈厦鮮鲜賢贤閑闲顯显險险現现縣县線线鄉乡項项蕭萧銷销曉晓協协謝谢興兴須须許许續续軒轩選选學学詢询尋寻訓训訊讯鴨鸭鹽盐嚴严顏颜閻阎艷艳豔艳驗验楊杨"
    "陽阳養养樣样瑤瑶藥药頁页業业葉叶醫医遺遗儀仪藝艺億亿義义議议譯译陰阴銀银飲饮隱隐嬰婴應应瑩莹營营贏赢優优遊游餘余魚鱼漁渔娛娱與与嶼屿語语預预園园員员圓圆遠远願愿約约鑰钥雲云運运韻韵雜杂載载髒脏棗枣責责"
    "擇择則则澤泽贈赠債债張张帳账賬账趙赵針针鎮镇陣阵鄭郑證证織织職职執执紙纸誌志製制質质鍾钟鐘钟種种週周豬猪諸诸築筑註注駐驻專专轉转莊庄裝装壯壮準准諮咨資资蹤踪綜综總总鄒邹組组"
)


@cache
def traditional_to_simplified() -> dict[str, str]:
    """Traditional-only form → its simplified form (the table above)."""
    return dict(zip(_PAIRS[0::2], _PAIRS[1::2], strict=True))


def traditional_forms(text: str) -> list[str]:
    """The characters of TEXT that are traditional-only forms (in order, each once)."""
    table = traditional_to_simplified()
    return list(dict.fromkeys(ch for ch in text if ch in table))
