/* collective.nrlabel: the self-assessment grid (@@nr-self-assessment).
 *
 * The justification is asked only of criteria that do not apply: its field is
 * hidden while the row says "Applicable" (unless the server flagged it), and
 * marked required otherwise. The server still checks every row.
 */
(function () {
  "use strict";

  function update(select) {
    var wrapper = document.getElementById(
      "wrapper-" + select.getAttribute("data-nr-sa-applicability")
    );
    if (!wrapper) {
      return;
    }
    var notApplicable = select.value === "not_applicable";
    var flagged = wrapper.getAttribute("data-nr-sa-error") === "true";
    wrapper.hidden = !notApplicable && !flagged;
    var textarea = wrapper.querySelector("textarea");
    if (textarea) {
      textarea.setAttribute("aria-required", notApplicable ? "true" : "false");
    }
  }

  function init() {
    var selects = document.querySelectorAll("select[data-nr-sa-applicability]");
    Array.prototype.forEach.call(selects, function (select) {
      update(select);
      select.addEventListener("change", function () {
        update(select);
      });
    });
    var summary = document.getElementById("nr-sa-errors");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
