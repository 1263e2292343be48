// Masthead reader script: continuous reading, click-to-play embeds, and the comment
// threads' live parts (counts, the form, likes, a reader's own comments).
// Everything here is an enhancement: without it the "Continue reading" link, the embed
// links and the comment links and forms work as plain links and form posts.
(function () {
  "use strict";

  // Video players load only when the reader asks, so no provider script or cookie
  // arrives with the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-embed-src]") : null;
    if (!button) return;
    var frame = document.createElement("iframe");
    frame.src = button.getAttribute("data-embed-src");
    frame.title = button.getAttribute("data-embed-title") || "Video";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    button.replaceWith(frame);
    frame.focus();
  });

  if (!window.fetch) return;

  // "Comments (N)" on articles and "N comments" on cards: one short-lived request a page,
  // never part of the cached page (a new comment purges no listing).
  function refreshCounts(root) {
    var targets = root.querySelectorAll("[data-comment-count], [data-comment-count-for]");
    if (!targets.length) return;
    function idOf(node) { return node.getAttribute("data-comment-count") || node.getAttribute("data-comment-count-for"); }
    var ids = {};
    targets.forEach(function (node) { ids[idOf(node)] = true; });
    var list = Object.keys(ids).map(Number).sort(function (a, b) { return a - b; });
    fetch("/comments/counts/?pages=" + list.join(","), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (counts) {
        targets.forEach(function (node) {
          var count = counts[idOf(node)];
          if (typeof count !== "number") return;
          if (node.hasAttribute("data-comment-count")) {
            node.textContent = String(count);
          } else if (count > 0) {
            node.textContent = count + (count === 1 ? " comment" : " comments");
            node.hidden = false;
          }
        });
      }).catch(function () {});
  }

  // The thread's script arrives when a reader opens a thread (or lands on one).
  var threadScript = null;
  function loadThreads(root) {
    var discussion = root.querySelector ? root.querySelector("[data-discussion][data-script]") : null;
    if (!discussion) return;
    if (window.MastheadComments) { window.MastheadComments.enhance(root); return; }
    if (threadScript) { threadScript.addEventListener("load", function () { window.MastheadComments.enhance(root); }); return; }
    threadScript = document.createElement("script");
    threadScript.src = discussion.getAttribute("data-script");
    threadScript.addEventListener("load", function () { window.MastheadComments.enhance(document); });
    document.head.appendChild(threadScript);
  }
  function wantsThread() {
    var hash = location.hash.slice(1);
    var target = hash && document.getElementById(hash);
    var open = Array.prototype.some.call(document.querySelectorAll("[data-discussion]"), function (section) {
      var details = section.querySelector("details");
      return !details || details.open;
    });
    return open || (target && target.closest("[data-discussion]"));
  }
  // A click on "Leave a Reply" or "Reply" before the thread's script has arrived waits
  // for it, then is made again, rather than leaving for the form's own page.
  document.addEventListener("click", function (event) {
    if (window.MastheadComments || !event.target.closest) return;
    var action = event.target.closest("[data-open-form], [data-reply-to], [data-more], [data-sort]");
    if (!action || !action.closest("[data-discussion][data-script]")) return;
    event.preventDefault();
    loadThreads(document);
    threadScript.addEventListener("load", function () { action.click(); });
  });
    document.addEventListener("toggle", function (event) {
    if (event.target.open && event.target.closest && event.target.closest("[data-discussion]")) loadThreads(document);
  }, true);
  window.addEventListener("hashchange", function () { if (wantsThread()) loadThreads(document); });
  refreshCounts(document);
  if (wantsThread()) loadThreads(document);

  var stream = document.querySelector("[data-article-stream]");
  if (!stream || !("IntersectionObserver" in window)) return;

  var status = document.querySelector("[data-stream-status]");
  var maxAppended = parseInt(stream.getAttribute("data-max-appended"), 10) || 10;
  var appended = 0;
  var loading = false;

  // The address bar and title follow the article the reader is in.
  var visibility = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      var article = entry.target;
      var url = article.getAttribute("data-article-url");
      if (url && url !== location.pathname) {
        history.replaceState({ article: url }, "", url);
        document.title = article.getAttribute("data-article-title") || document.title;
      }
    });
  }, { rootMargin: "-45% 0px -50% 0px" });

  function watchArticles(root) {
    root.querySelectorAll("article[data-article-url]").forEach(function (article) {
      visibility.observe(article);
    });
  }

  var nearEnd = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) appendNext(entry.target);
    });
  }, { rootMargin: "0px 0px 600px 0px" });

  function watchContinueLink() {
    var links = stream.querySelectorAll(".continue__link[data-fragment]");
    var link = links[links.length - 1];
    stream.setAttribute("data-appended", String(appended));
    if (!link) return;
    if (appended < maxAppended) {
      nearEnd.observe(link);
    } else {
      // Enough for one page: from here the plain link leads on, to a fresh page.
      stream.setAttribute("data-continuation", "link");
    }
  }

  function appendNext(link) {
    if (loading) return;
    loading = true;
    nearEnd.unobserve(link);
    var nav = link.closest(".continue");
    nav.setAttribute("aria-busy", "true");
    fetch(link.getAttribute("data-fragment"), { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var hadFocus = nav.contains(document.activeElement);
        nav.remove();
        var nodes = Array.prototype.slice.call(holder.children);
        nodes.forEach(function (node) { stream.appendChild(node); });
        appended += 1;
        nodes.forEach(function (node) { if (node.matches("article")) visibility.observe(node); });
        nodes.forEach(function (node) {
          refreshCounts(node);
          if (window.MastheadComments) window.MastheadComments.enhance(node);
        });
        var heading = nodes[0] && nodes[0].querySelector("h1, h2");
        if (heading && status) status.textContent = "Next article: " + heading.textContent.trim();
        if (heading && hadFocus) {
          // Keyboard readers land on the article they asked for, not back at the top.
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
        loading = false;
        watchContinueLink();
      })
      .catch(function () {
        // The plain link still works; stop trying so the reader is not stuck.
        nav.removeAttribute("aria-busy");
        loading = false;
      });
  }

  watchArticles(stream);
  watchContinueLink();
})();
