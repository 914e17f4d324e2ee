// The review page: a value and its evidence (box on the page, or marked span of the text) light up together.
(function () {
  function show(anchor, scrollSource) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    var marks = document.querySelectorAll('[data-anchor="' + anchor + '"]');
    marks.forEach(function (el) { el.classList.add("active"); });
    var evidence = document.querySelector('.source [data-anchor="' + anchor + '"]');
    if (scrollSource && evidence) { evidence.scrollIntoView({block: "center"}); }
    return marks.length;
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-anchor]");
    if (!target || event.target.closest("form")) { return; }
    var anchor = target.getAttribute("data-anchor");
    var inSource = !!target.closest(".source");
    show(anchor, !inSource);
    if (inSource) {
      var card = document.getElementById(anchor);
      if (card) { card.scrollIntoView({block: "center"}); }
    }
  });
  window.addEventListener("load", function () {
    if (location.hash.length > 1) { show(location.hash.slice(1), true); }
  });
})();
