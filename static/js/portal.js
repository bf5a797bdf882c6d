// Small behaviours of every page, kept out of the HTML: the Content-Security-Policy allows no
// inline script or event-handler attribute. <button data-print> prints the page.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
