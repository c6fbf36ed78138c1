/* HRSS sandbox: tabs, cascading region selects, a small date picker. */
(function () {
  "use strict";

  // ---- tabs -------------------------------------------------------------------------
  var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));
  function showTab(panelId) {
    tabs.forEach(function (t) {
      var on = t.getAttribute("aria-controls") === panelId;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.classList.toggle("active", on);
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
  }
  tabs.forEach(function (t) {
    t.addEventListener("click", function () { showTab(t.getAttribute("aria-controls")); });
  });

  // ---- cascading regions: options fetched from /api/regions?parent=CODE -----------
  var generation = {};
  function placeholder(select) {
    return '<option value="">' + select.getAttribute("data-placeholder") + "</option>";
  }
  function resetRegion(select) {
    if (!select) return;
    generation[select.id] = (generation[select.id] || 0) + 1;
    select.innerHTML = placeholder(select);
    select.disabled = true;
    resetRegion(document.getElementById(select.getAttribute("data-child")));
  }
  function loadRegion(select, parent) {
    var mine = (generation[select.id] = (generation[select.id] || 0) + 1);
    select.disabled = true;
    select.innerHTML = '<option value="">加载中…</option>';
    fetch("/api/regions?parent=" + encodeURIComponent(parent))
      .then(function (r) { return r.json(); })
      .then(function (list) {
        if (mine !== generation[select.id]) return; // a newer choice replaced this one
        select.innerHTML = placeholder(select) + list.map(function (r) {
          return '<option value="' + r.code + '">' + r.name + "</option>";
        }).join("");
        select.disabled = false;
      })
      .catch(function () {
        if (mine !== generation[select.id]) return;
        select.innerHTML = '<option value="">加载失败，请重新选择</option>';
      });
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-child]"), function (select) {
    select.addEventListener("change", function () {
      var child = document.getElementById(select.getAttribute("data-child"));
      resetRegion(document.getElementById(child.getAttribute("data-child")));
      if (select.value) loadRegion(child, select.value); else resetRegion(child);
    });
  });

  // ---- date picker: a calendar popup on focus; typing yyyy-mm-dd works too -----------
  var pop = null, current = null, shown = null;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function parse(v) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) return null;
    var d = new Date(+m[1], +m[2] - 1, +m[3]);
    return d.getMonth() === +m[2] - 1 && d.getDate() === +m[3] ? d : null;
  }
  function close() { if (pop) { pop.remove(); pop = null; current = null; } }
  function render() {
    var y = shown.getFullYear(), m = shown.getMonth();
    var first = new Date(y, m, 1).getDay(), days = new Date(y, m + 1, 0).getDate();
    var sel = parse(current.value), html = '<div class="dp-head">' +
      '<button type="button" data-nav="-12" title="上一年">«</button><button type="button" data-nav="-1" title="上一月">‹</button>' +
      "<span>" + y + "年" + (m + 1) + "月</span>" +
      '<button type="button" data-nav="1" title="下一月">›</button><button type="button" data-nav="12" title="下一年">»</button></div>' +
      "<table><tr><th>日</th><th>一</th><th>二</th><th>三</th><th>四</th><th>五</th><th>六</th></tr><tr>";
    for (var i = 0; i < first; i++) html += "<td></td>";
    for (var d = 1; d <= days; d++) {
      var isSel = sel && sel.getFullYear() === y && sel.getMonth() === m && sel.getDate() === d;
      html += '<td class="day' + (isSel ? " sel" : "") + '" data-day="' + d + '">' + d + "</td>";
      if ((first + d) % 7 === 0 && d < days) html += "</tr><tr>";
    }
    pop.innerHTML = html + "</tr></table>";
  }
  function open(input) {
    close();
    current = input;
    var d = parse(input.value) || new Date();
    shown = new Date(d.getFullYear(), d.getMonth(), 1);
    pop = document.createElement("div");
    pop.className = "dp-pop";
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", "选择日期");
    pop.style.left = input.offsetLeft + "px";
    pop.style.top = input.offsetTop + input.offsetHeight + 2 + "px";
    pop.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep focus in the input
    pop.addEventListener("click", function (e) {
      var t = e.target;
      if (t.getAttribute("data-nav")) {
        shown = new Date(shown.getFullYear(), shown.getMonth() + +t.getAttribute("data-nav"), 1);
        render();
      } else if (t.getAttribute("data-day")) {
        current.value = shown.getFullYear() + "-" + pad(shown.getMonth() + 1) + "-" + pad(+t.getAttribute("data-day"));
        current.dispatchEvent(new Event("input", { bubbles: true }));
        current.dispatchEvent(new Event("change", { bubbles: true }));
        var input = current;
        close();
        check(input);
      }
    });
    input.parentNode.appendChild(pop);
    render();
  }
  function check(input) {
    var err = input.parentNode.querySelector(".date-error");
    var bad = input.value !== "" && !parse(input.value);
    if (err) err.textContent = bad ? "日期格式应为yyyy-mm-dd" : "";
    if (bad) input.setAttribute("aria-invalid", "true"); else if (!input.getAttribute("data-server-error")) input.removeAttribute("aria-invalid");
  }
  Array.prototype.forEach.call(document.querySelectorAll("input.datepicker"), function (input) {
    input.addEventListener("focus", function () { open(input); });
    input.addEventListener("blur", function () { close(); check(input); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape" || e.key === "Tab") close(); });
    input.addEventListener("input", function () { if (pop && current === input) { var d = parse(input.value); if (d) { shown = new Date(d.getFullYear(), d.getMonth(), 1); render(); } } });
  });
})();
