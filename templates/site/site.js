// survey site: filter and search the table of works. No framework, nothing fetched; the table reads without it.
// The state lives in the URL's fragment (#class=pim&memory=dram&q=attention), so a filtered view can be shared.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("works");
  if (!form || !table) { return; }
  var shown = document.getElementById("shown");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var search = form.querySelector("input[data-search]");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows).map(function (row) {
    var facets = {};
    selects.forEach(function (select) {
      var key = select.getAttribute("data-facet");
      facets[key] = (row.getAttribute("data-" + key) || "").split(" ");
    });
    return { row: row, facets: facets,
             text: (row.textContent + " " + (row.getAttribute("data-s") || "")).toLowerCase() };
  });

  function readState() {
    var state = {};
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    selects.forEach(function (select) { state[select.name] = params.get(select.name) || ""; });
    state.q = params.get("q") || "";
    return state;
  }

  function formState() {
    var state = {};
    selects.forEach(function (select) { state[select.name] = select.value; });
    state.q = search.value;
    return state;
  }

  function showState(state) {
    selects.forEach(function (select) {
      var wanted = state[select.name];
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
      select.value = known ? wanted : "";
    });
    if (search.value !== state.q) { search.value = state.q; }
  }

  function apply(state) {
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (item) {
      var visible = selects.every(function (select) {
        var wanted = state[select.name];
        return !wanted || item.facets[select.name].indexOf(wanted) !== -1;
      }) && words.every(function (word) { return item.text.indexOf(word) !== -1; });
      item.row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count === rows.length ? "Showing all " + count + " works."
                                              : "Showing " + count + " of " + rows.length + " works.";
  }

  function writeState(state) {
    var params = new URLSearchParams();
    selects.forEach(function (select) { if (state[select.name]) { params.set(select.name, state[select.name]); } });
    if (state.q) { params.set("q", state.q); }
    var fragment = "#" + params.toString();
    if (fragment !== (window.location.hash || "#")) { window.location.replace(fragment); }
  }

  function changed() {
    var state = formState();
    apply(state);
    writeState(state);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(changed, 0); });
  window.addEventListener("hashchange", function () {
    showState(readState());
    apply(formState());  // a value the filters do not offer (a stale link) is dropped, as the form shows
  });
  form.hidden = false;
  shown.hidden = false;
  showState(readState());
  apply(formState());
}());
