from __future__ import annotations

import json
from pathlib import Path

from clerkdesk.vision.layout import find_label, find_text
from clerkdesk.vision.layout_cache import MAX_PAGES, VERSION, LayoutCache, keepable
from clerkdesk.vision.ocr import TextBox
from clerkdesk.vision.screen import Rect


def _box(text: str, x: float, y: float = 10.0, w: float = 40.0) -> TextBox:
    return TextBox(text, 0.99, ((x, y), (x + w, y), (x + w, y + 14), (x, y + 14)))


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file())


def test_round_trip_and_drop(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path / "layout-cache")
    e = cache.load("个人开户", (920, 640))
    assert e.pages == []
    page = e.add_page([_box("姓名：", 10), _box("民族：", 300)])
    cache.save(e)
    assert not (tmp_path / "layout-cache").exists() or _all_text(tmp_path / "layout-cache") == ""  # nothing asked yet
    assert page.remember("姓名") and page.remember("民族") and not page.remember("民族")
    cache.save(e)
    again = cache.load("个人开户", (920, 640))
    assert [b.text for b in again.pages[0].boxes] == ["姓名：", "民族："]
    assert again.pages[0].boxes[1].quad[0] == (300.0, 10.0)
    assert again.pages[0].wants == {"姓名", "民族"}
    assert cache.load("个人开户", (1024, 640)).pages == []  # another window size is another screen
    e.drop(page)
    cache.save(e)
    assert cache.load("个人开户", (920, 640)).pages == []


def test_only_asked_for_texts_are_written_never_values(tmp_path: Path) -> None:
    folder = tmp_path / "lc"
    cache = LayoutCache(folder)
    e = cache.load("录入窗口 欧阳", (560, 470))
    boxes = [_box("姓名：", 10, 10), _box("欧阳娜娜", 120, 10),             # a value in its own box
             _box("身份证号：11010519491231002X", 10, 50, 200),          # a value merged into the label's box
             _box("业务办理(B) 系统(S)", 10, 90, 200),                   # a menu bar read as one line
             _box("北京市朝阳区建国路88号", 120, 130, 160),              # inside an input box
             _box("联系电话", 10, 170)]
    page = e.add_page(boxes)
    for want in ("姓名", "身份证号", "系统", "联系电话"):
        page.remember(want)
    page.note_input(Rect(115, 125, 300, 150))
    cache.forbid("欧阳娜娜")
    page.kept[4] = boxes[4]  # even if something kept a text inside an input box, it is not written
    page.kept[1] = boxes[1]  # nor one showing a filled value
    cache.save(e)
    text = _all_text(folder)
    for secret in ("欧阳", "11010519491231002X", "北京市", "业务办理", "录入窗口"):
        assert secret not in text
    stored = json.loads(text)
    assert stored["version"] == VERSION and stored["pages"][0]["inputs"] == [[115, 125, 300, 150]]
    got = cache.load("录入窗口 欧阳", (560, 470)).pages[0].boxes
    assert [b.text for b in got] == ["姓名：", "身份证号：…", "系统", "联系电话"]
    # the redacted boxes still locate as the full OCR did
    assert find_label(got, "身份证号")[1] == 0.97
    menu = find_text(got, "系统")
    assert 10 + 200 * 0.4 <= menu.point[0] <= 10 + 200  # the right half of the menu line


def test_keepable_forms() -> None:
    b = _box("姓名：张三", 0)
    k = keepable(b, "姓名")
    assert k is not None and k.text == "姓名：…" and k.quad == b.quad
    assert keepable(_box("姓各", 0), "姓名") is None  # one of two characters wrong: not the label
    misread = keepable(_box("身份证号玛", 0), "身份证号码")
    assert misread is not None and misread.text == "身份证号玛"
    longer = keepable(_box("身份证号码张", 0), "身份证号码")
    assert longer is not None and longer.text == "身份证号码"
    assert keepable(_box("欧阳娜娜", 0), "姓名") is None


def test_a_fresh_page_absorbs_older_pages_of_the_same_screen(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path)
    e = cache.load("w", (500, 400))
    e.add_page([_box("姓名：", 10), _box("民族：", 300)]).remember("姓名")
    second = e.add_page([_box("姓名：", 11), _box("民族：", 300), _box("保存", 10, 300)])
    assert e.pages == [second] and "姓名" in second.wants
    second.remember("保存")
    other_tab = e.add_page([_box("单位名称：", 10)])
    other_tab.remember("单位名称")
    assert len(e.pages) == 2
    cache.save(e)
    assert [[b.text for b in p.boxes] for p in cache.load("w", (500, 400)).pages] == [["单位名称："], ["姓名：", "保存"]]


def test_pages_are_bounded_and_corrupt_or_old_files_ignored(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path)
    e = cache.load("w", (10, 10))
    for i in range(MAX_PAGES + 3):
        e.add_page([_box(f"标签{i}", i)]).remember(f"标签{i}")
    cache.save(e)
    assert len(cache.load("w", (10, 10)).pages) == MAX_PAGES
    for p in tmp_path.glob("*.json"):
        p.write_text("{not json", encoding="utf-8")
    assert cache.load("w", (10, 10)).pages == []
    for p in tmp_path.glob("*.json"):  # the format of older versions held every OCR text: deleted on sight
        p.write_text(json.dumps({"version": 1, "title": "w", "pages": [{"boxes": [{"text": "张三"}]}]}),
                     encoding="utf-8")
    assert cache.load("w", (10, 10)).pages == []
    assert list(tmp_path.glob("*.json")) == []


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path, enabled=False)
    e = cache.load("w", (10, 10))
    e.add_page([_box("a", 0)]).remember("a")
    cache.save(e)
    assert list(tmp_path.iterdir()) == []


def test_an_input_box_of_one_tab_hides_nothing_on_another(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path)
    e = cache.load("w", (900, 600))
    tab1 = e.add_page([_box("民族：", 540, 163)])
    tab1.remember("民族")
    tab2 = e.add_page([_box("单位名称：", 60, 163)])
    tab2.remember("单位名称")
    tab2.note_input(Rect(164, 163, 835, 192))  # a long box on tab 2 where tab 1 has its 民族 label
    cache.save(e)
    assert sorted(b.text for p in cache.load("w", (900, 600)).pages for b in p.boxes) == ["单位名称：", "民族："]


def test_exact_means_exact_in_the_cache_as_on_a_fresh_read(tmp_path: Path) -> None:
    """Issue 13: `click: {text: "20", exact: true}` clicked the "20" inside "< 2026 >" from the cache."""
    cache = LayoutCache(tmp_path)
    e = cache.load("日历", (400, 300))
    header, day = _box("< 2026 >", 100, 10, 80), _box("20", 140, 120, 20)
    fresh = [header, day]
    assert find_text(fresh, "20", exact=True).text == "20"  # a fresh read: the day button
    page = e.add_page(fresh)
    page.remember("20")  # a fuzzy ask keeps the "20" inside the header too, marked as a part of a line
    page.remember("20", exact=True)
    cache.save(e)
    loaded = cache.load("日历", (400, 300)).pages[0]
    assert "20" in loaded.exact and len(loaded.partial) == 1
    exact_view = loaded.usable(exact=True)
    assert [b.bbox for b in exact_view] == [day.bbox]
    m = find_text(exact_view, "20", exact=True)
    assert abs(m.point[1] - day.center[1]) <= 1  # the day, never the year
    assert len(loaded.usable(exact=False)) == 2
    # an exact-only ask never keeps a part of a line at all
    assert keepable(header, "20", exact=True) is None and keepable(day, "20", exact=True) is day


def test_field_contents_are_never_kept_and_links_carry_their_evidence(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path)
    e = cache.load("w", (600, 400))
    boxes = [_box("身份证号", 10, 10), _box("110101199011200012", 120, 10, 160), _box("保存", 10, 300)]
    page = e.add_page(boxes, content={1})  # the ID number sits inside an input box
    page.remember("20")  # a text inside the field's contents: never kept
    page.remember("身份证号")
    assert page.link("身份证号|nth=None", Rect(10, 10, 50, 24), Rect(115, 6, 400, 30), "right")
    assert not page.link("身份证号|nth=None", Rect(10, 10, 50, 24), Rect(115, 6, 400, 30), "right")
    cache.save(e)
    raw = _all_text(tmp_path)
    assert "1101011990" not in raw and "20" not in json.loads(raw)["pages"][0]["exact"]
    loaded = cache.load("w", (600, 400)).pages[0]
    assert [b.text for b in loaded.boxes] == ["身份证号"]
    assert loaded.linked("身份证号|nth=None") == (Rect(10, 10, 50, 24), Rect(115, 6, 400, 30), "right")
    assert not loaded.complete and page.complete  # a page from disk holds only what was asked for
