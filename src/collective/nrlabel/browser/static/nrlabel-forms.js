/* collective.nrlabel: the add-on's forms are checked by the server.
 *
 * A browser checks "required", "type=email", "min"... itself and shows its own
 * bubble ("Please fill out this field.") in the browser's language, not the
 * page's. On the add-on's pages (its content types, their add and edit forms,
 * its @@nr- views and control panel) forms get "novalidate": the server then
 * names the missing or wrong field, in the user's language, next to it.
 */
(function () {
  "use strict";

  var ADDON_PAGE =
    /(^|\s)(portaltype-nr_|template-nr-|template-nr_|template-nrlabel)/;

  function addonPage() {
    return (
      ADDON_PAGE.test(document.body.className) ||
      /\/\+\+add\+\+nr_/.test(window.location.pathname)
    );
  }

  function skipBrowserChecks(form) {
    if (form && form.tagName === "FORM") {
      form.noValidate = true;
    }
  }

  // Plone's file and rich-text widgets leave controls without a name for screen
  // readers: the file input (its <label> points at the widget's <span>), the
  // text-format select, and the note's textarea (TinyMCE gives it a new id, so
  // its <label> no longer points at it). Name them after their field's label.
  function nameUnlabelledControls() {
    var controls = document.querySelectorAll(
      ".field input[type=file], .field select[id$='_text_format'], " +
        ".field textarea.richTextWidget"
    );
    Array.prototype.forEach.call(controls, function (control) {
      var label = control.closest(".field").querySelector("label");
      var named = control.tagName !== "TEXTAREA" && control.labels.length;
      if (!label || named || control.getAttribute("aria-label")) {
        return;
      }
      var name = label.textContent.trim();
      if (control.tagName === "SELECT") {
        name += " (format)";
      }
      control.setAttribute("aria-label", name);
    });
  }

  var WORDS = {
    fr: { remove: "Retirer" },
    en: { remove: "Remove" },
  };

  function word(key) {
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    return (WORDS[lang] || WORDS.en)[key];
  }

  function name(control, text) {
    if (text && !control.getAttribute("aria-label")) {
      control.setAttribute("aria-label", text.replace(/\s+/g, " ").trim());
    }
  }

  // Plone's list widgets (a row's "remove" tick box, select2's "x" on a chosen
  // item) and the Sharing tab's role tick boxes have no name for screen readers:
  // name them after what they act on.
  function nameListControls() {
    document
      .querySelectorAll("input.multi-widget-checkbox")
      .forEach(function (box) {
        var row = box.closest(".multi-widget-field, .row, div");
        var input = row && row.querySelector("input:not([type=checkbox])");
        name(box, word("remove") + " " + (input ? input.value : ""));
      });
    document
      .querySelectorAll(".select2-search-choice-close")
      .forEach(function (link) {
        var choice = link.closest(".select2-search-choice");
        name(link, word("remove") + " " + (choice ? choice.textContent : ""));
      });
    var sharing = document.querySelector("#user-group-sharing");
    if (sharing) {
      var headers = sharing.querySelectorAll("thead th");
      sharing.querySelectorAll("tbody tr").forEach(function (row) {
        var who = row.querySelector("td");
        row.querySelectorAll("td").forEach(function (cell, index) {
          var box = cell.querySelector("input[type=checkbox]");
          if (box && headers[index]) {
            name(box, headers[index].textContent + " — " + (who ? who.textContent : ""));
          }
        });
      });
    }
    var search = document.querySelector("#sharing-user-group-search");
    if (search) {
      name(search, search.getAttribute("placeholder") || search.title);
    }
  }

  function start() {
    if (!addonPage()) {
      return;
    }
    nameUnlabelledControls();
    nameListControls();
    // Patterns (select2, TinyMCE) build their controls after the page loads.
    var pending = null;
    new MutationObserver(function () {
      if (pending === null) {
        pending = window.setTimeout(function () {
          pending = null;
          nameUnlabelledControls();
          nameListControls();
        }, 50);
      }
    }).observe(document.body, { childList: true, subtree: true });
    Array.prototype.forEach.call(document.forms, skipBrowserChecks);
    // Forms added later (modals, patterns): a submit button's click comes
    // before the browser's check, Enter in a field clicks the default button.
    document.addEventListener(
      "click",
      function (event) {
        var button = event.target.closest
          ? event.target.closest("button, input[type=submit]")
          : null;
        if (button) {
          skipBrowserChecks(button.form);
        }
      },
      true
    );
    // Plone's protect script adds the CSRF token to every form, GET ones too:
    // a filter's address would carry it into bookmarks, history and Referer.
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        if ((form.getAttribute("method") || "get").toLowerCase() === "get") {
          Array.prototype.forEach.call(
            form.querySelectorAll("input[name='_authenticator']"),
            function (input) {
              input.parentNode.removeChild(input);
            }
          );
        }
      },
      true
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
