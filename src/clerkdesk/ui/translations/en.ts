<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>ClerkDesk</name>
    <message>
        <source>ClerkDesk 一窗受理</source>
        <translation>ClerkDesk one-window service</translation>
    </message>
    <message>
        <source>受理</source>
        <translation>Capture</translation>
    </message>
    <message>
        <source>办理监控</source>
        <translation>Run monitor</translation>
    </message>
    <message>
        <source>今日案件</source>
        <translation>Today's cases</translation>
    </message>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>中文</source>
        <translation>Chinese</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>重启后生效</source>
        <translation>Takes effect after a restart</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>就绪</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>正在处理…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>视图</source>
        <translation>View</translation>
    </message>
    <message>
        <source>快捷键帮助</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>办理事项</source>
        <translation>Matters</translation>
    </message>
    <message>
        <source>勾选要办理的事项（空格勾选，可多选）</source>
        <translation>Tick the matters to handle (Space; several allowed)</translation>
    </message>
    <message>
        <source>目标系统</source>
        <translation>Target systems</translation>
    </message>
    <message>
        <source>【一件事】</source>
        <translation>[One-stop] </translation>
    </message>
    <message>
        <source>：</source>
        <translation>: </translation>
    </message>
    <message>
        <source>申请人信息</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>业务信息</source>
        <translation>Case details</translation>
    </message>
    <message>
        <source>查询档案 (F2)</source>
        <translation>Look up profile (F2)</translation>
    </message>
    <message>
        <source>开始办理 (F5)</source>
        <translation>Start (F5)</translation>
    </message>
    <message>
        <source>保存档案 (Ctrl+S)</source>
        <translation>Save profile (Ctrl+S)</translation>
    </message>
    <message>
        <source>新建受理 (Ctrl+N)</source>
        <translation>New case (Ctrl+N)</translation>
    </message>
    <message>
        <source>请先勾选办理事项</source>
        <translation>Tick at least one matter first</translation>
    </message>
    <message>
        <source>所选事项的申请人类型不同（个人/企业），请分开办理</source>
        <translation>The matters are for different applicant kinds (person/company); handle them separately</translation>
    </message>
    <message>
        <source>由身份证号自动生成</source>
        <translation>derived from the ID number</translation>
    </message>
    <message>
        <source>上次核验</source>
        <translation>last verified</translation>
    </message>
    <message>
        <source>已修改</source>
        <translation>changed</translation>
    </message>
    <message>
        <source>原值</source>
        <translation>was</translation>
    </message>
    <message>
        <source>未找到档案，将新建</source>
        <translation>No profile yet; one will be created</translation>
    </message>
    <message>
        <source>已读取档案</source>
        <translation>Profile loaded</translation>
    </message>
    <message>
        <source>已读取档案（版本 {v}，上次到访 {d}；上次变更：{c}）</source>
        <translation>Profile loaded (version {v}, last visit {d}; changed then: {c})</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>档案已保存</source>
        <translation>Profile saved</translation>
    </message>
    <message>
        <source>输入有误，请修正红色字段</source>
        <translation>Please correct the fields in red</translation>
    </message>
    <message>
        <source>必填</source>
        <translation>required</translation>
    </message>
    <message>
        <source>（选填）</source>
        <translation>(optional)</translation>
    </message>
    <message>
        <source>请填写</source>
        <translation>Please fill in</translation>
    </message>
    <message>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>请选择</source>
        <translation>Please choose</translation>
    </message>
    <message>
        <source>应为数字</source>
        <translation>must be a number</translation>
    </message>
    <message>
        <source>不是可选值</source>
        <translation>is not one of the choices</translation>
    </message>
    <message>
        <source>正在启动浏览器并填报…</source>
        <translation>Starting the browsers and filling…</translation>
    </message>
    <message>
        <source>等待您在“{s}”窗口中操作（如登录）</source>
        <translation>Waiting for you in the “{s}” window (e.g. log in)</translation>
    </message>
    <message>
        <source>等待您核对并确认提交：{s}</source>
        <translation>Waiting for you to check and confirm the submit: {s}</translation>
    </message>
    <message>
        <source>等待您核对提交结果：{s}</source>
        <translation>Waiting for you to check the submit's outcome: {s}</translation>
    </message>
    <message>
        <source>已暂停（F6 继续），已完成 {d}/{n}</source>
        <translation>Paused (F6 resumes); {d} of {n} done</translation>
    </message>
    <message>
        <source>正在办理 {r} 个系统，已完成 {d}/{n}</source>
        <translation>Filling {r} system(s); {d} of {n} done</translation>
    </message>
    <message>
        <source>办理无法开始</source>
        <translation>The case cannot start</translation>
    </message>
    <message>
        <source>已提交，正在等待系统答复…（中止 = 停止等待，提交结果将不确定）</source>
        <translation>Submitted, waiting for the system's answer… (Abort stops waiting; the outcome is then unknown)</translation>
    </message>
    <message>
        <source>提交结果不确定：请在系统中查询后选择 已记录 / 未记录</source>
        <translation>Submit outcome unknown: look it up in the system, then choose Recorded / Not recorded</translation>
    </message>
    <message>
        <source>该申请人的同一事项已有未办结的案件，已为您打开</source>
        <translation>This applicant already has an open case for this matter: it is shown instead</translation>
    </message>
    <message>
        <source>需要修正的项目</source>
        <translation>Problems to correct</translation>
    </message>
    <message>
        <source>信息不一致</source>
        <translation>Values differ</translation>
    </message>
    <message>
        <source>尚未向系统写入任何内容。“暂不处理”：系统和档案都不改。</source>
        <translation>Nothing has been written to the system yet. “Leave it”: neither the system nor the profile changes.</translation>
    </message>
    <message>
        <source>系统中已有的信息与档案不一致，请逐项选择处理方式</source>
        <translation>The system already holds other values than the profile; choose what to do with each</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>系统中的值</source>
        <translation>System's value</translation>
    </message>
    <message>
        <source>档案中的值</source>
        <translation>Profile's value</translation>
    </message>
    <message>
        <source>档案上次核验</source>
        <translation>Profile last verified</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message>
        <source>以档案更新系统</source>
        <translation>Update the system with the profile</translation>
    </message>
    <message>
        <source>以系统更新档案</source>
        <translation>Update the profile with the system</translation>
    </message>
    <message>
        <source>暂不处理</source>
        <translation>Leave it</translation>
    </message>
    <message>
        <source>中止办理 (Esc)</source>
        <translation>Stop (Esc)</translation>
    </message>
    <message>
        <source>按所选处理并继续 (F9)</source>
        <translation>Apply and continue (F9)</translation>
    </message>
    <message>
        <source>等待您处理系统与档案不一致的信息：{s}</source>
        <translation>Waiting for you to decide where the system differs from the profile: {s}</translation>
    </message>
    <message>
        <source>请修正以下 {n} 项（点击或按回车跳到该项）：</source>
        <translation>Please correct these {n} field(s) (click or press Enter to go there):</translation>
    </message>
    <message>
        <source>由身份证号推得，请核对</source>
        <translation>from the ID number: please check</translation>
    </message>
    <message>
        <source>读取证件 (F11)</source>
        <translation>Read document (F11)</translation>
    </message>
    <message>
        <source>读取证件</source>
        <translation>Read document</translation>
    </message>
    <message>
        <source>从图片文件…</source>
        <translation>From an image file…</translation>
    </message>
    <message>
        <source>从扫描文件夹</source>
        <translation>From the scan folder</translation>
    </message>
    <message>
        <source>从读卡器</source>
        <translation>From the card reader</translation>
    </message>
    <message>
        <source>身份证正面（人像面）</source>
        <translation>ID card front (photo side)</translation>
    </message>
    <message>
        <source>身份证背面（国徽面）</source>
        <translation>ID card back (emblem side)</translation>
    </message>
    <message>
        <source>营业执照</source>
        <translation>Business licence</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>Document kind</translation>
    </message>
    <message>
        <source>保留证件图像作为证据</source>
        <translation>Keep the document image as evidence</translation>
    </message>
    <message>
        <source>默认不保存证件图像（个人信息最小必要）；勾选后加密保存，并关联到本次案件</source>
        <translation>By default the image is not stored (personal data: minimum necessary); when ticked it is stored encrypted and tied to this case</translation>
    </message>
    <message>
        <source>图片 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <source>选择证件图片</source>
        <translation>Choose the document image</translation>
    </message>
    <message>
        <source>选择扫描文件夹</source>
        <translation>Choose the scan folder</translation>
    </message>
    <message>
        <source>扫描文件夹中没有图片：{d}</source>
        <translation>No image in the scan folder: {d}</translation>
    </message>
    <message>
        <source>正在识别证件…</source>
        <translation>Reading the document…</translation>
    </message>
    <message>
        <source>正在读卡…</source>
        <translation>Reading the card…</translation>
    </message>
    <message>
        <source>已读取证件：填入 {n} 项，{m} 项请核对</source>
        <translation>Document read: {n} field(s) filled, {m} to check</translation>
    </message>
    <message>
        <source>无法读取证件</source>
        <translation>Cannot read the document</translation>
    </message>
    <message>
        <source>识别置信度低</source>
        <translation>low recognition confidence</translation>
    </message>
    <message>
        <source>无法对应标准代码，保留识别原文</source>
        <translation>no standard code matches; kept as read</translation>
    </message>
    <message>
        <source>校验未通过</source>
        <translation>check failed</translation>
    </message>
    <message>
        <source>请核对：</source>
        <translation>Please check: </translation>
    </message>
    <message>
        <source>证件与所选事项的申请人类型不符（个人/企业）</source>
        <translation>The document does not fit the applicant of the chosen matters (person/company)</translation>
    </message>
    <message>
        <source>读取证件（图片文件 / 扫描文件夹 / 屏幕区域 / 高拍仪 / 读卡器）</source>
        <translation>Read a document (image file / scan folder / screen region / document camera / card reader)</translation>
    </message>
    <message>
        <source>从屏幕区域…</source>
        <translation>From a screen region…</translation>
    </message>
    <message>
        <source>从高拍仪窗口</source>
        <translation>From the document camera window</translation>
    </message>
    <message>
        <source>自动读取扫描文件夹中的新图片</source>
        <translation>Read new images in the scan folder automatically</translation>
    </message>
    <message>
        <source>正在监视扫描文件夹：{d}</source>
        <translation>Watching the scan folder: {d}</translation>
    </message>
    <message>
        <source>扫描文件夹不存在，未开始监视：{d}</source>
        <translation>The scan folder does not exist; not watching: {d}</translation>
    </message>
    <message>
        <source>扫描文件夹中有新图片，正在读取</source>
        <translation>A new scan arrived; reading it</translation>
    </message>
    <message>
        <source>无法截取屏幕（Wayland 会话不允许截屏时，请改用图片文件或扫描文件夹）</source>
        <translation>Cannot capture the screen (a Wayland session may forbid it: use an image file or the scan folder)</translation>
    </message>
    <message>
        <source>高拍仪窗口</source>
        <translation>Document camera window</translation>
    </message>
    <message>
        <source>选择高拍仪（或扫描预览）窗口：</source>
        <translation>Choose the document camera (or scan preview) window:</translation>
    </message>
    <message>
        <source>框选证件区域</source>
        <translation>Mark the document</translation>
    </message>
    <message>
        <source>拖动鼠标框选证件，松开即识别；Esc 取消</source>
        <translation>Drag to mark the document; release to read it, Esc to cancel</translation>
    </message>
    <message>
        <source>已恢复上次未完成的受理（{t}），请核对后继续</source>
        <translation>The unfinished form of {t} was restored: check it, then go on</translation>
    </message>
    <message>
        <source>正在加载识别模型…</source>
        <translation>Loading the recognition models…</translation>
    </message>
    <message>
        <source>识别模型已就绪</source>
        <translation>Recognition models ready</translation>
    </message>
    <message>
        <source>识别模型未能加载：{e}</source>
        <translation>The recognition models did not load: {e}</translation>
    </message>
    <message>
        <source>当前没有办理中的案件</source>
        <translation>No case in progress</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>步骤</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>受理编号</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>个人账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>业务流水号</source>
        <translation>Serial</translation>
    </message>
    <message>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>已复制</source>
        <translation>Copied</translation>
    </message>
    <message>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>继续</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>中止</source>
        <translation>Abort</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>待办理</source>
        <translation>Planned</translation>
    </message>
    <message>
        <source>排队中（同一系统、桌面系统一次一个）</source>
        <translation>Queued (one run per system, one desktop system at a time)</translation>
    </message>
    <message>
        <source>办理中</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>已暂停</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>待经办人处理</source>
        <translation>Needs the clerk</translation>
    </message>
    <message>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>已中止</source>
        <translation>Aborted</translation>
    </message>
    <message>
        <source>第 {n}/{m} 步</source>
        <translation>Step {n} of {m}</translation>
    </message>
    <message>
        <source>确定中止这个系统的办理吗？</source>
        <translation>Abort this system's run?</translation>
    </message>
    <message>
        <source>全部暂停/继续 (F6)</source>
        <translation>Pause/resume all (F6)</translation>
    </message>
    <message>
        <source>重试失败项 (F7)</source>
        <translation>Retry failed (F7)</translation>
    </message>
    <message>
        <source>复制全部回执 (Ctrl+Shift+C)</source>
        <translation>Copy all receipts (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>可按“重试”(F7)从断点继续</source>
        <translation>Press Retry (F7) to continue from the checkpoint</translation>
    </message>
    <message>
        <source>技术详情</source>
        <translation>Technical details</translation>
    </message>
    <message>
        <source>打开页面</source>
        <translation>open page</translation>
    </message>
    <message>
        <source>填写</source>
        <translation>fill</translation>
    </message>
    <message>
        <source>选择</source>
        <translation>choose</translation>
    </message>
    <message>
        <source>勾选</source>
        <translation>tick</translation>
    </message>
    <message>
        <source>点击</source>
        <translation>click</translation>
    </message>
    <message>
        <source>上传</source>
        <translation>upload</translation>
    </message>
    <message>
        <source>按键</source>
        <translation>press</translation>
    </message>
    <message>
        <source>提交</source>
        <translation>submit</translation>
    </message>
    <message>
        <source>核对确认</source>
        <translation>confirm</translation>
    </message>
    <message>
        <source>等待经办人</source>
        <translation>waiting for the clerk</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>log in</translation>
    </message>
    <message>
        <source>核对结果</source>
        <translation>check the answer</translation>
    </message>
    <message>
        <source>等待</source>
        <translation>wait for</translation>
    </message>
    <message>
        <source>读取回执</source>
        <translation>read the receipt</translation>
    </message>
    <message>
        <source>读取系统现有信息</source>
        <translation>read what the system holds</translation>
    </message>
    <message>
        <source>切换框架</source>
        <translation>switch frame</translation>
    </message>
    <message>
        <source>切换窗口</source>
        <translation>switch window</translation>
    </message>
    <message>
        <source>对话框</source>
        <translation>dialog</translation>
    </message>
    <message>
        <source>截图留证</source>
        <translation>screenshot</translation>
    </message>
    <message>
        <source>条件</source>
        <translation>if</translation>
    </message>
    <message>
        <source>逐项</source>
        <translation>for each</translation>
    </message>
    <message>
        <source>“{system}”的提交结果不确定：系统可能已经记录，也可能没有。ClerkDesk 不会自己再次提交。请在系统中查询（较慢的系统可能几分钟后才出现记录），然后选择“已记录”（填写回执号）或“未记录”。</source>
        <translation>The submit to {system} may or may not have been recorded; ClerkDesk will not submit again by itself. Check the system (a slow one may show it minutes later), then answer Recorded (with the receipt) or Not recorded.</translation>
    </message>
    <message>
        <source>“{system}”的提交结果不确定：系统可能已经记录，也可能没有。ClerkDesk 不会自己再次提交。请在系统中查询（较慢的系统可能几分钟后才出现记录），然后选择“已记录”（填写回执号）或“未记录”。系统窗口已打开到查询页，可直接在其中查询。</source>
        <translation>The submit to {system} may or may not have been recorded; ClerkDesk will not submit again by itself. Check the system (a slow one may show it minutes later), then answer Recorded (with the receipt) or Not recorded. The system's window is open at its query page: look it up there.</translation>
    </message>
    <message>
        <source>“{system}”中的 {n} 项信息与档案不一致，请逐项决定</source>
        <translation>{n} field(s) in {system} differ from the profile: decide each</translation>
    </message>
    <message>
        <source>无法打开系统页面（系统可能暂时不可用）</source>
        <translation>Cannot open the system's page (it may be down)</translation>
    </message>
    <message>
        <source>在系统页面上找不到或无法操作“{what}”（页面可能已改版，请通知管理员更新配方）</source>
        <translation>Cannot find or use “{what}” on the system's page (the page may have changed; tell the supervisor)</translation>
    </message>
    <message>
        <source>提交后没有看到系统的受理结果</source>
        <translation>No answer from the system after the submit</translation>
    </message>
    <message>
        <source>无法启动浏览器</source>
        <translation>The browser did not start</translation>
    </message>
    <message>
        <source>第 {n} 步（{what}）出错</source>
        <translation>Step {n} ({what}) failed</translation>
    </message>
    <message>
        <source>提交结果不确定：请在系统中核对是否已记录</source>
        <translation>Submit outcome unknown: check in the system whether it was recorded</translation>
    </message>
    <message>
        <source>提交确认</source>
        <translation>Confirm submit</translation>
    </message>
    <message>
        <source>即将提交以下信息（按目标系统显示的文字；有“说明”的项与档案不完全相同）：</source>
        <translation>About to submit (as the target system will show it; a line with a note differs from the profile):</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>将提交的值</source>
        <translation>Value to submit</translation>
    </message>
    <message>
        <source>系统代码</source>
        <translation>System code</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>即将提交以下信息：</source>
        <translation>About to submit:</translation>
    </message>
    <message>
        <source>确认提交 (F9)</source>
        <translation>Submit (F9)</translation>
    </message>
    <message>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>需要经办人操作</source>
        <translation>Your turn</translation>
    </message>
    <message>
        <source>请在第 {n} 个浏览器窗口“{t}”（{s}）中完成操作（不是本窗口），完成后按“继续”。系统检测到完成后会自动继续。</source>
        <translation>Act in browser window {n}, “{t}” ({s}) — not this window — then press Continue. The run continues by itself once it sees the step done.</translation>
    </message>
    <message>
        <source>请在“{s}”的窗口中完成操作（不是本窗口），完成后按“继续”。系统检测到完成后会自动继续。</source>
        <translation>Act in the “{s}” window (not this one), then press Continue. It also continues by itself once the system shows the step is done.</translation>
    </message>
    <message>
        <source>请在系统窗口中完成操作，完成后按“继续”。系统检测到完成后会自动继续。</source>
        <translation>Act in the system's window, then press Continue. It also continues by itself once the system shows the step is done.</translation>
    </message>
    <message>
        <source>继续 (F9)</source>
        <translation>Continue (F9)</translation>
    </message>
    <message>
        <source>中止办理</source>
        <translation>Abort</translation>
    </message>
    <message>
        <source>演示提示</source>
        <translation>Demo hint</translation>
    </message>
    <message>
        <source>演示</source>
        <translation>demo</translation>
    </message>
    <message>
        <source>操作员代码</source>
        <translation>operator code</translation>
    </message>
    <message>
        <source>任意（沙箱客户端）</source>
        <translation>any (sandbox client)</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>user</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>password</translation>
    </message>
    <message>
        <source>验证码</source>
        <translation>captcha</translation>
    </message>
    <message>
        <source>提交结果不确定</source>
        <translation>Submit outcome unknown</translation>
    </message>
    <message>
        <source>已记录 (F9)</source>
        <translation>Recorded (F9)</translation>
    </message>
    <message>
        <source>未记录</source>
        <translation>Not recorded</translation>
    </message>
    <message>
        <source>稍后处理</source>
        <translation>Decide later</translation>
    </message>
    <message>
        <source>系统中看到的受理编号（可选）</source>
        <translation>Receipt seen in the system (optional)</translation>
    </message>
    <message>
        <source>证据截图</source>
        <translation>Evidence screenshots</translation>
    </message>
    <message>
        <source>提交后系统的页面（第 {n} 步）</source>
        <translation>The system's page after the submit (step {n})</translation>
    </message>
    <message>
        <source>出错时的页面（第 {n} 步：{what}）</source>
        <translation>The page when it failed (step {n}: {what})</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>没有证据截图</source>
        <translation>No evidence screenshots</translation>
    </message>
    <message>
        <source>办理仍在进行</source>
        <translation>Runs in progress</translation>
    </message>
    <message>
        <source>关闭后，未完成的办理会保存断点，可在“今日案件”中继续。确定关闭吗？</source>
        <translation>Unfinished runs keep their checkpoint and can be resumed from Today's cases. Close now?</translation>
    </message>
    <message>
        <source>关闭窗口</source>
        <translation>Close the window</translation>
    </message>
    <message>
        <source>不关闭</source>
        <translation>Keep it open</translation>
    </message>
    <message>
        <source>正在保存断点…</source>
        <translation>Saving checkpoints…</translation>
    </message>
    <message>
        <source>应用关闭，办理已暂停</source>
        <translation>The app was closed; the run is paused</translation>
    </message>
    <message>
        <source>经办人中止了办理</source>
        <translation>The clerk aborted the run</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Matter</translation>
    </message>
    <message>
        <source>回执</source>
        <translation>Receipts</translation>
    </message>
    <message>
        <source>可继续</source>
        <translation>Resumable</translation>
    </message>
    <message>
        <source>可重试</source>
        <translation>Retryable</translation>
    </message>
    <message>
        <source>继续/重试</source>
        <translation>Resume / retry</translation>
    </message>
    <message>
        <source>刷新 (Ctrl+R)</source>
        <translation>Refresh (Ctrl+R)</translation>
    </message>
    <message>
        <source>打开 (Enter)</source>
        <translation>Open (Enter)</translation>
    </message>
    <message>
        <source>继续办理 (F7)</source>
        <translation>Resume (F7)</translation>
    </message>
    <message>
        <source>已受理</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>全部完成</source>
        <translation>All done</translation>
    </message>
    <message>
        <source>有失败</source>
        <translation>Has failures</translation>
    </message>
    <message>
        <source>待处理</source>
        <translation>Needs the clerk</translation>
    </message>
    <message>
        <source>有 {n} 个案件可继续办理（F8 今日案件）</source>
        <translation>{n} case(s) can be resumed (F8 Today's cases)</translation>
    </message>
    <message>
        <source>配方状态：正常（{d} 检查）</source>
        <translation>Recipe: ok (checked {d})</translation>
    </message>
    <message>
        <source>配方状态：{d} 起系统有变化，可能无法自动填报</source>
        <translation>Recipe: the system changed on {d}; filling may fail</translation>
    </message>
    <message>
        <source>配方状态：{d} 起无法检查（{why}）</source>
        <translation>Recipe: could not be checked since {d} ({why})</translation>
    </message>
    <message>
        <source>配方状态：未检查</source>
        <translation>Recipe: never checked</translation>
    </message>
    <message>
        <source>系统无法访问</source>
        <translation>system unreachable</translation>
    </message>
    <message>
        <source>需要登录</source>
        <translation>needs a login</translation>
    </message>
    <message>
        <source>检查出错</source>
        <translation>the check failed</translation>
    </message>
    <message>
        <source>失效的步骤：{s}</source>
        <translation>Broken step: {s}</translation>
    </message>
    <message>
        <source>定位：{loc}</source>
        <translation>Locator: {loc}</translation>
    </message>
    <message>
        <source>上次正常：{d}</source>
        <translation>Last good: {d}</translation>
    </message>
    <message>
        <source>从未正常</source>
        <translation>never</translation>
    </message>
    <message>
        <source>配方：未发布的配方文件夹（未签名）</source>
        <translation>Recipe: an unpublished recipes folder (not signed)</translation>
    </message>
    <message>
        <source>配方集 {v}，但本配方在本机被修改过</source>
        <translation>Recipe set {v}, but this recipe was changed on this workstation</translation>
    </message>
    <message>
        <source>配方集 {v}（签名密钥 {k}）</source>
        <translation>Recipe set {v} (signing key {k})</translation>
    </message>
    <message>
        <source>配方集 {v}（未签名）</source>
        <translation>Recipe set {v} (unsigned)</translation>
    </message>
    <message>
        <source>出错了</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>数据文件夹不存在</source>
        <translation>Data folder not found</translation>
    </message>
    <message>
        <source>大厅概况</source>
        <translation>Hall overview</translation>
    </message>
    <message>
        <source>各系统</source>
        <translation>Systems</translation>
    </message>
    <message>
        <source>导出日报…</source>
        <translation>Export the daily report…</translation>
    </message>
    <message>
        <source>导出日报到…</source>
        <translation>Export the daily report to…</translation>
    </message>
    <message>
        <source>已导出</source>
        <translation>Exported</translation>
    </message>
    <message>
        <source>（未安装 openpyxl：只导出 CSV）</source>
        <translation>(openpyxl is not installed: CSV only)</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>大厅概况仅对主管开放</source>
        <translation>The hall overview is for supervisors only</translation>
    </message>
    <message>
        <source>转后台办理</source>
        <translation>Queue for the back office</translation>
    </message>
    <message>
        <source>已转后台</source>
        <translation>With the back office</translation>
    </message>
    <message>
        <source>正在转后台办理…</source>
        <translation>Queueing for the back office…</translation>
    </message>
    <message>
        <source>该案件没有需要转后台办理的事项</source>
        <translation>Nothing of this case is left for the back office</translation>
    </message>
    <message>
        <source>没有转后台办理</source>
        <translation>Not queued for the back office</translation>
    </message>
    <message>
        <source>没有转后台办理：{e}</source>
        <translation>Not queued for the back office: {e}</translation>
    </message>
    <message>
        <source>不能转后台办理：{e}</source>
        <translation>Cannot queue for the back office: {e}</translation>
    </message>
    <message>
        <source>已转后台办理，完成后回执会显示在今日案件中</source>
        <translation>Queued for the back office; the receipts will show in Today's cases when it is done</translation>
    </message>
    <message>
        <source>将“{m}”转交后台办理。

后台将按您核对过的这些值直接提交各系统，不再逐一询问；需要经办人处理时会退回本窗口。确认转后台吗？</source>
        <translation>Hand “{m}” to the back office?

The back office submits these values, as you checked them, to every system without asking again; anything that needs a person comes back to this window.</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>共 {n} 件</source>
        <translation>{n} in all</translation>
    </message>
    <message>
        <source>后台退回的案件</source>
        <translation>Cases the back office handed back</translation>
    </message>
    <message>
        <source>后台退回 {n} 件（{k}）</source>
        <translation>{n} handed back ({k})</translation>
    </message>
    <message>
        <source>后台办理时需要经办人处理（验证码、登录、提交结果不确定、系统信息与档案不一致）的案件。选中后按 Enter 打开，在办理监控中继续（F7）。</source>
        <translation>Cases the back office could not finish without a person (a captcha, a login, an uncertain submit, a system holding other values than the profile). Select one and press Enter to open it, then go on in the run monitor (F7).</translation>
    </message>
    <message>
        <source>共享档案库连不上：{e}</source>
        <translation>The shared store cannot be reached: {e}</translation>
    </message>
    <message>
        <source>共享档案库已恢复连接</source>
        <translation>The shared store answers again</translation>
    </message>
    <message>
        <source>档案冲突无法读取：{e}</source>
        <translation>The profile conflicts cannot be read: {e}</translation>
    </message>
    <message>
        <source>档案冲突</source>
        <translation>Profile conflicts</translation>
    </message>
    <message>
        <source>档案冲突 {n} 件（{k}）</source>
        <translation>{n} profile conflict(s) ({k})</translation>
    </message>
    <message>
        <source>本窗口离线时录入的档案，在此期间已被其他窗口修改。请逐项选择保留哪个值；未选择前不会写入任何内容。</source>
        <translation>Profiles this window captured while offline were changed at another window meanwhile. Choose, field by field, which value to keep; nothing is written until every field is chosen.</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>本窗口的值（离线时录入）</source>
        <translation>This window's value (captured offline)</translation>
    </message>
    <message>
        <source>档案库的值（其他窗口）</source>
        <translation>The store's value (another window)</translation>
    </message>
    <message>
        <source>保留</source>
        <translation>Keep</translation>
    </message>
    <message>
        <source>用本窗口的值</source>
        <translation>This window's value</translation>
    </message>
    <message>
        <source>保留档案库的值</source>
        <translation>The store's value</translation>
    </message>
    <message>
        <source>全部用本窗口的值</source>
        <translation>All: this window's values</translation>
    </message>
    <message>
        <source>全部保留档案库的值</source>
        <translation>All: the store's values</translation>
    </message>
    <message>
        <source>保存选择 (Ctrl+Enter)</source>
        <translation>Save the choices (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>稍后处理 (Esc)</source>
        <translation>Later (Esc)</translation>
    </message>
    <message>
        <source>没有待处理的档案冲突</source>
        <translation>No profile conflicts are waiting</translation>
    </message>
    <message>
        <source>本窗口 {a} 于 {t} 离线录入；档案库中的值由 {b} 于 {u} 修改</source>
        <translation>Captured offline at this window by {a} at {t}; the store's values were changed by {b} at {u}</translation>
    </message>
    <message>
        <source>请先为每个字段选择保留哪个值：{f}</source>
        <translation>Choose the value to keep for every field first: {f}</translation>
    </message>
    <message>
        <source>（空）</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>离线时录入的整份档案</source>
        <translation>the whole profile, captured offline</translation>
    </message>
    <message>
        <source>档案已在其他窗口删除</source>
        <translation>the profile was deleted at another window</translation>
    </message>
    <message>
        <source>档案可能已在其他窗口删除（请核对）</source>
        <translation>the profile may have been deleted at another window (please check)</translation>
    </message>
    <message>
        <source>数据文件夹 {home} 不存在。

如果是路径输错了，请选“否”，然后检查 --home 或 CLERKDESK_HOME；选“是”将在那里新建一个空的数据文件夹（原有的档案不会出现在其中）。

新建吗？</source>
        <translation>The data folder {home} does not exist.

If the path is mistyped, choose No and check --home or CLERKDESK_HOME; Yes makes a new, empty data folder there (the existing profiles will not be in it).

Create it?</translation>
    </message>
    <message>
        <source>新建受理（清空表单）</source>
        <translation>New case (clear the form)</translation>
    </message>
    <message>
        <source>保存档案</source>
        <translation>Save the profile</translation>
    </message>
    <message>
        <source>重试失败项 / 继续办理</source>
        <translation>Retry failed targets / resume</translation>
    </message>
    <message>
        <source>全部暂停/继续</source>
        <translation>Pause/resume all</translation>
    </message>
    <message>
        <source>复制全部回执</source>
        <translation>Copy all receipts</translation>
    </message>
    <message>
        <source>打开菜单</source>
        <translation>Open a menu</translation>
    </message>
    <message>
        <source>刷新今日案件</source>
        <translation>Refresh today's cases</translation>
    </message>
    <message>
        <source>开始办理</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>受理表单</source>
        <translation>Capture form</translation>
    </message>
    <message>
        <source>对话框中：取消</source>
        <translation>In a dialog: cancel</translation>
    </message>
    <message>
        <source>读取/查询档案（按身份证号/信用代码）</source>
        <translation>Look up the profile (by ID number / credit code)</translation>
    </message>
    <message>
        <source>对话框中：确认提交 / 继续 / 已记录</source>
        <translation>In a dialog: submit / continue / recorded</translation>
    </message>
    <message>
        <source>下一个/上一个字段</source>
        <translation>Next/previous field</translation>
    </message>
    <message>
        <source>勾选事项</source>
        <translation>Tick a matter</translation>
    </message>
    <message>
        <source>空格</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>Alt+字母</source>
        <translation>Alt+letter</translation>
    </message>
    <message>
        <source>离线案件</source>
        <translation>Offline cases</translation>
    </message>
    <message>
        <source>离线案件（共享档案库连不上时受理的）</source>
        <translation>Offline cases (captured while the shared store was away)</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>（{n} 件待发送）</source>
        <translation> ({n} waiting to be sent)</translation>
    </message>
    <message>
        <source>{n} 件待发送</source>
        <translation>{n} waiting to be sent</translation>
    </message>
    <message>
        <source>正在发送 {n} 件</source>
        <translation>Sending {n}</translation>
    </message>
    <message>
        <source>共享档案库已连接</source>
        <translation>Shared store connected</translation>
    </message>
    <message>
        <source>（离线受理中，{n} 件待发送）</source>
        <translation> (capturing offline, {n} waiting to be sent)</translation>
    </message>
    <message>
        <source>正在发送离线受理的案件 {n} 件…</source>
        <translation>Sending {n} cases captured offline…</translation>
    </message>
    <message>
        <source>离线受理的案件 {n} 件待发送</source>
        <translation>{n} cases captured offline waiting to be sent</translation>
    </message>
    <message>
        <source>离线案件 {n} 件待发送（{k}）</source>
        <translation>Offline cases: {n} waiting ({k})</translation>
    </message>
    <message>
        <source>共享档案库连不上，表单已保存在本机（离线案件 {k} 中可放回表单）</source>
        <translation>The shared store does not answer: the form is kept on this machine (put it back from Offline cases, {k})</translation>
    </message>
    <message>
        <source>共享档案库连不上，案件已加密保存在本机，恢复连接后自动发送（{k} 查看）</source>
        <translation>The shared store does not answer: the case is kept encrypted on this machine and sent when it is back ({k})</translation>
    </message>
    <message>
        <source>共享档案库连不上时受理的案件保存在本机（已加密），恢复连接后自动发送，每件只发送一次。</source>
        <translation>Cases captured while the shared store does not answer are kept on this machine (encrypted) and sent when it is back, each exactly once.</translation>
    </message>
    <message>
        <source>离线保存的表单（{t}）</source>
        <translation>Form kept offline ({t})</translation>
    </message>
    <message>
        <source>没有离线案件</source>
        <translation>No offline cases</translation>
    </message>
    <message>
        <source>待发送</source>
        <translation>waiting</translation>
    </message>
    <message>
        <source>发送中</source>
        <translation>sending</translation>
    </message>
    <message>
        <source>已发送</source>
        <translation>sent</translation>
    </message>
    <message>
        <source>放回表单</source>
        <translation>Put back into the form</translation>
    </message>
    <message>
        <source>打开案件</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <source>离线案件已放回表单，请核对后按 F5</source>
        <translation>The offline case is back in the form: check it, then F5</translation>
    </message>
    <message>
        <source>共享档案库连不上，无法查询档案；请完整录入，恢复连接后再与档案库核对</source>
        <translation>The shared store does not answer, so the profile cannot be looked up: capture it in full; it is checked against the store when it is back</translation>
    </message>
    <message>
        <source>共享档案库连不上：已读取本窗口离线录入的记录（{t}），恢复连接后再与档案库核对</source>
        <translation>The shared store does not answer: read what this window captured offline ({t}); it is checked against the store when it is back</translation>
    </message>
    <message>
        <source>另有一份离线时保存的表单，可在离线案件（{k}）中放回表单</source>
        <translation>Another form was kept while offline: put it back from Offline cases ({k})</translation>
    </message>
    <message>
        <source>其他窗口已受理</source>
        <translation>opened at another window</translation>
    </message>
    <message>
        <source>并入该案件</source>
        <translation>Merge into that case</translation>
    </message>
    <message>
        <source>该申请人的同一事项已在其他窗口受理：案件 {c}（{m}）。并入后不再另建案件，以该案件为准。</source>
        <translation>Another window opened the same matter for this applicant: case {c} ({m}). Merging opens no second case; that case's values stand.</translation>
    </message>
    <message>
        <source>本窗口录入的业务信息与该案件不同：{f}（请打开案件核对）</source>
        <translation>This window captured other business details than that case: {f} (open the case to check)</translation>
    </message>
    <message>
        <source>离线案件已并入案件 {c}</source>
        <translation>The offline case was merged into case {c}</translation>
    </message>
    <message>
        <source>离线案件 {n} 件待处理（{k}）</source>
        <translation>Offline cases: {n} for you to handle ({k})</translation>
    </message>
    <message>
        <source>离线受理的案件 {n} 件已在其他窗口受理，请在离线案件（Ctrl+Shift+O）中并入或放回表单</source>
        <translation>{n} cases captured offline were opened at another window meanwhile: merge them or put them back into the form (Offline cases, Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>{n} 件待处理</source>
        <translation>{n} for you to handle</translation>
    </message>
</context>
</TS>
