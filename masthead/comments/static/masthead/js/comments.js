// Comment threads on cached pages: the page holds the approved thread; this script adds
// what is per reader or changes by the second, from small uncached requests (decision
// 0010): the form with its CSRF token, likes, the reader's own comments. site.js loads
// it when a reader opens a thread (counts on cards and articles are site.js's own).
// Without it every part is a plain link to /comments/… and a plain form post.
(function () {
  "use strict";
  var csrf = "";

  function json(url, options) {
    options = options || {};
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: "Something went wrong. Please try again." }; })
        .then(function (body) { body.httpStatus = response.status; return body; });
    });
  }

  function html(url) {
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    });
  }

  // A reader without the csrftoken cookie gets a new token from every request that asks
  // for one, and the cookie keeps whichever answer came last: the thread's state and the
  // form asked at once could disagree and the post be refused. So the first of them goes
  // alone; the rest follow it, by when the cookie is set.
  var firstToken = null;

  function afterFirstToken(request) {
    if (firstToken) return firstToken.then(request);
    var result = request();
    firstToken = result.then(function () {}, function () {});
    return result;
  }

  function nodesFrom(text) {
    var holder = document.createElement("div");
    holder.innerHTML = text;
    return holder;
  }

  function post(url, body) {
    return json(url, { method: "POST", body: body, headers: { "X-CSRFToken": csrf } });
  }

  function visibleIds(section) {
    return Array.prototype.map.call(section.querySelectorAll("[data-comment]"), function (node) {
      return node.getAttribute("data-comment");
    });
  }

  function refreshLikes(section) {
    var ids = visibleIds(section);
    section.querySelectorAll("[data-like]").forEach(function (button) { button.hidden = false; });
    section.querySelectorAll("[data-likes-static]").forEach(function (node) { node.hidden = true; });
    if (!ids.length) return;
    json("/comments/likes/?ids=" + ids.slice(0, 200).sort(function (a, b) { return a - b; }).join(",")).then(function (counts) {
      section.querySelectorAll("[data-like-count]").forEach(function (node) {
        var count = counts[node.getAttribute("data-like-count")];
        node.textContent = count ? String(count) : "";
      });
    }).catch(function () {});
  }

  function showOwn(section, state) {
    var slot = section.querySelector("[data-own-comments]");
    var count = section.querySelector("[data-comment-count]");
    if (count && typeof state.count === "number") count.textContent = String(state.count);
    (state.own || []).forEach(function (own) {
      var inThread = section.querySelector('[data-comment="' + own.id + '"]');
      if (own.status === "approved" && inThread) {
        if (own.editable && !inThread.querySelector("[data-edit]")) {
          var actions = inThread.querySelector(".comment__actions");
          if (actions) actions.insertAdjacentHTML("beforeend", ' <a href="/comments/c/' + own.id + '/edit/" data-edit="' + own.id + '">Edit or delete</a>');
        }
        return;
      }
      if (!slot) return;
      var shown = slot.querySelector('[data-own-comment="' + own.id + '"]');
      if (shown && shown.getAttribute("data-status") === own.status) return;
      if (own.status === "approved" || own.status === "pending") {
        var fresh = nodesFrom(own.html).firstElementChild;
        if (shown) shown.replaceWith(fresh); else slot.appendChild(fresh);
      } else if (own.removal_reason) {
        if (shown) shown.remove();
        var note = document.createElement("p");
        note.className = "notice";
        note.textContent = "Your comment was removed. " + own.removal_reason;
        slot.appendChild(note);
      }
    });
    (state.liked || []).forEach(function (id) {
      var button = section.querySelector('[data-like="' + id + '"]');
      if (button) button.setAttribute("aria-pressed", "true");
    });
  }

  function loadState(section) {
    var ids = visibleIds(section).slice(0, 200).join(",");
    return afterFirstToken(function () {
      return json(section.getAttribute("data-me-url") + "?ids=" + ids);
    }).then(function (state) {
      csrf = state.csrf || csrf;
      showOwn(section, state);
    }).catch(function () {});
  }

  function openForm(section, replyTo, anchor) {
    var url = section.getAttribute("data-form-url") + (replyTo ? "?to=" + replyTo : "");
    return afterFirstToken(function () { return html(url); }).then(function (text) {
      var form = nodesFrom(text).firstElementChild;
      var old = section.querySelector(".comment-form");
      if (old) old.remove();
      if (anchor) {
        anchor.insertAdjacentElement("afterend", form);
      } else {
        var slot = section.querySelector("[data-form-slot]");
        slot.textContent = "";
        slot.appendChild(form);
      }
      var textarea = form.querySelector("textarea");
      if (textarea) textarea.focus();
    });
  }

  function showErrors(form, result) {
    var status = form.querySelector("[data-form-status]");
    form.querySelectorAll(".field__error[data-live]").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    Object.keys(result.errors || {}).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (!input || input.type === "hidden") return;
      var error = document.createElement("p");
      error.className = "field__error";
      error.setAttribute("data-live", "");
      error.id = input.id + "-live-error";
      error.textContent = result.errors[name].map(function (item) { return item.message; }).join(" ");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
      input.insertAdjacentElement("afterend", error);
    });
    if (status) status.textContent = result.message || "Your comment could not be sent.";
    var first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }

  function submit(form) {
    var section = form.closest("[data-discussion]");
    var status = form.querySelector("[data-form-status]");
    var button = form.querySelector('button[type="submit"]');
    csrf = (form.querySelector('[name="csrfmiddlewaretoken"]') || {}).value || csrf;
    button.disabled = true;
    if (status) status.textContent = "Sending…";
    post(form.action, new FormData(form)).then(function (result) {
      button.disabled = false;
      if (!result.ok) return showErrors(form, result);
      var slot = section.querySelector("[data-own-comments]");
      if (slot && result.html) slot.appendChild(nodesFrom(result.html).firstElementChild);
      form.querySelector("textarea").value = "";
      showErrors(form, { message: result.message });
    }).catch(function () {
      button.disabled = false;
      if (status) status.textContent = "Your comment could not be sent. Check your connection and try again.";
    });
  }

  function loadMore(link) {
    var list = link.closest("[data-comment-list]");
    html(link.getAttribute("data-more")).then(function (text) {
      var fetched = nodesFrom(text).querySelector("[data-comment-list]");
      var target = list.querySelector("ol.comments");
      var items = fetched.querySelector("ol.comments");
      if (target && items) {
        Array.prototype.slice.call(items.children).forEach(function (item) { target.appendChild(item); });
      }
      link.closest("p").remove();
      var next = fetched.querySelector(".comments__more");
      if (next) list.appendChild(next);
      var section = list.closest("[data-discussion]");
      refreshLikes(section);
      loadState(section);
    }).catch(function () { window.location.href = link.href; });
  }

  function sortBy(link) {
    var section = link.closest("[data-discussion]");
    var sort = link.getAttribute("data-sort");
    var url = section.getAttribute("data-more-url") + (sort === "newest" ? "" : "?sort=" + sort);
    html(url).then(function (text) {
      var fresh = nodesFrom(text).querySelector("[data-comment-list]");
      section.querySelector("[data-comment-list]").replaceWith(fresh);
      section.querySelectorAll("[data-sort]").forEach(function (other) {
        if (other === link) other.setAttribute("aria-current", "true"); else other.removeAttribute("aria-current");
      });
      refreshLikes(section);
      loadState(section);
    }).catch(function () { window.location.href = link.href; });
  }

  function like(button) {
    var id = button.getAttribute("data-like");
    var ready = csrf ? Promise.resolve() : loadState(button.closest("[data-discussion]"));
    ready.then(function () { return post("/comments/c/" + id + "/like/", new FormData()); }).then(function (result) {
      if (!result.ok) return;
      button.setAttribute("aria-pressed", result.liked ? "true" : "false");
      var count = button.querySelector("[data-like-count]");
      if (count) count.textContent = result.count ? String(result.count) : "";
    }).catch(function () {});
  }

  // While a thread is open and in view, its reader's own comments and the count are
  // asked again now and then: a comment approved meanwhile shows as published.
  var REFRESH_MS = 20000;

  function activate(section) {
    if (section.getAttribute("data-active")) return;
    section.setAttribute("data-active", "true");
    refreshLikes(section);
    loadState(section);
    window.setInterval(function () {
      var details = section.querySelector("details");
      if (document.visibilityState === "visible" && (!details || details.open)) loadState(section);
    }, REFRESH_MS);
  }

  function enhance(root) {
    var sections = root.matches && root.matches("[data-discussion]") ? [root] : root.querySelectorAll("[data-discussion]");
    Array.prototype.forEach.call(sections, function (section) {
      var details = section.querySelector("details");
      if (!details) return activate(section);
      var id = section.getAttribute("data-discussion");
      if (location.hash === "#comments-" + id || (location.hash.indexOf("#comment-") === 0 && section.querySelector(location.hash.replace(/[^#\w-]/g, "")))) {
        details.open = true;
      }
      if (details.open) activate(section);
      details.addEventListener("toggle", function () { if (details.open) activate(section); });
    });
  }

  // "Click to comment" and links to a comment open the collapsed thread they point into.
  window.addEventListener("hashchange", function () {
    var target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    var details = target && (target.querySelector("details") || target.closest("details"));
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var open = target.closest("[data-open-form]");
    var reply = target.closest("[data-reply-to]");
    var cancel = target.closest("[data-cancel-reply]");
    var more = target.closest("[data-more]");
    var sort = target.closest("[data-sort]");
    var likeButton = target.closest("[data-like]");
    var section = target.closest("[data-discussion]");
    if (!section) return;
    if (open || cancel) {
      event.preventDefault();
      openForm(section, null, null).catch(function () { window.location.href = (open || cancel).href; });
    } else if (reply) {
      event.preventDefault();
      var box = reply.closest(".comment__box") || reply;
      openForm(section, reply.getAttribute("data-reply-to"), box).catch(function () { window.location.href = reply.href; });
    } else if (more) {
      event.preventDefault();
      loadMore(more);
    } else if (sort) {
      event.preventDefault();
      sortBy(sort);
    } else if (likeButton) {
      like(likeButton);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest ? event.target.closest("[data-comment-form]") : null;
    if (!form || !window.FormData) return;
    event.preventDefault();
    submit(form);
  });

  window.MastheadComments = { enhance: enhance };
})();
