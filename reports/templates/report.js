// Async Runtime Arena report: sort the matrix by a runtime, and highlight a
// runtime's column when its legend key is clicked. The page reads fine
// without it; when it has run, <html data-rendered="ok"> says so (the
// end-to-end test checks that no error stopped it).
"use strict";
(function () {
  // What the matrices of a machine are coloured and sorted by: "wall" or "cpu".
  function by(table) {
    var section = table.closest("section.machine");
    var checked = section && section.querySelector(".colour-by input:checked");
    return checked ? checked.value : "wall";
  }
  function sortBy(table, col) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var field = by(table) === "cpu" ? "cpuRel" : "rel";
    var key = function (row) {
      var v = parseFloat(row.querySelectorAll("td.cell")[col].dataset[field]);
      return isNaN(v) ? Infinity : v;
    };
    rows.sort(function (a, b) { return key(a) - key(b); });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th.rt").forEach(function (th) {
      th.classList.toggle("sorted", Number(th.dataset.col) === col);
    });
  }
  document.querySelectorAll("table.matrix").forEach(function (table) {
    table.querySelectorAll("th.rt").forEach(function (th) {
      th.addEventListener("click", function () { sortBy(table, Number(th.dataset.col)); });
    });
  });
  document.querySelectorAll("section.machine").forEach(function (section) {
    section.querySelectorAll(".colour-by input").forEach(function (input) {
      input.addEventListener("change", function () {
        var cpu = input.value === "cpu";
        section.classList.toggle("by-cpu", cpu);
        section.querySelectorAll("table.matrix td.cell").forEach(function (td) {
          td.style.background = (cpu ? td.dataset.cpuBg : td.dataset.bg) || "";
        });
      });
    });
    var keys = section.querySelectorAll(".legend .key");
    keys.forEach(function (key) {
      key.addEventListener("click", function () {
        var on = !key.classList.contains("hi");
        keys.forEach(function (k) { k.classList.remove("hi"); });
        section.querySelectorAll("table.matrix td.cell").forEach(function (td) { td.classList.remove("hi"); });
        if (!on) { return; }
        key.classList.add("hi");
        section.querySelectorAll("table.matrix td.cell").forEach(function (td) {
          if (td.dataset.rt === key.dataset.rt) { td.classList.add("hi"); }
        });
      });
    });
  });
  document.documentElement.dataset.rendered = "ok";
})();
