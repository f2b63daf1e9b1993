/**
 * The page's only script: severity and category filters. Everything reads
 * without it (the filters are hidden until it runs); the page's content
 * security policy lets this exact script run and nothing else.
 */
export const script = `
document.documentElement.classList.add('js');
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.filters input[type=checkbox]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings .finding'));
  var count = document.getElementById('shown');
  function apply() {
    var on = { severity: {}, category: {} };
    boxes.forEach(function (b) { if (b.checked) on[b.name][b.value] = true; });
    var shown = 0;
    rows.forEach(function (r) {
      var visible = on.severity[r.dataset.severity] && on.category[r.dataset.category];
      r.hidden = !visible;
      if (visible) shown++;
    });
    if (count) count.textContent = shown + ' of ' + rows.length + ' findings shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  var all = document.getElementById('show-all');
  if (all) all.addEventListener('click', function () { boxes.forEach(function (b) { b.checked = true; }); apply(); });
  apply();
})();
`;
