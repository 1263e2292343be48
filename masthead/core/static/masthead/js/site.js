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

  // The newsletter box (decision 0010): its link leads to /newsletter/; with script, a
  // click puts the form (from /newsletter/form/, never cached: it holds a CSRF token) in
  // the link's place. Short names: every article carries this within a tight budget.
  document.addEventListener("click", function (e) {
    var a = e.target.closest("[data-newsletter] a"), box = a && a.parentNode;
    if (!box) return;
    e.preventDefault();
    fetch(a.href + "form/")
      .then(function (r) { if (!r.ok) throw 0; return r.text(); })
      .then(function (html) { a.outerHTML = html; box.querySelector("[type=email],a").focus(); })
      .catch(function () { location = a.href; });
  });

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

  // Audience counts (decision 0011): a beacon per article and ad shown, not in previews.
  var countViews = document.querySelector("[data-count-views]");
  function beacon(fields) {
    if (navigator.sendBeacon) navigator.sendBeacon("/analytics/beacon/", new URLSearchParams(fields));
  }
  function countView(article, ref) {
    var node = article && article.querySelector("[data-view-count]");
    if (node) beacon({ page: node.getAttribute("data-view-count"), ref: ref || "" });
  }
  function watcher(options, callback) {
    var observer = "IntersectionObserver" in window && new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); callback(entry.target); }
      });
    }, options);
    return observer;
  }
  var viewWatcher = countViews && watcher({ rootMargin: "-45% 0px -50% 0px" }, countView);
  var adWatcher = !document.querySelector("wagtail-userbar") && watcher({ threshold: 0.5 }, function (ad) {
    beacon({ ad: ad.getAttribute("data-ad-creative"), event: "impression" });
  });
  function watchShown(root) {
    if (viewWatcher && root.matches("article")) viewWatcher.observe(root);
    if (adWatcher) root.querySelectorAll("[data-ad-creative]").forEach(function (ad) { adWatcher.observe(ad); });
  }
  function shown() {
    if (countViews) countView(countViews.querySelector("article"), document.referrer);
    watchShown(document.body);
  }
  if (document.prerendering) document.addEventListener("prerenderingchange", shown, { once: true }); else shown();
  if (adWatcher) document.addEventListener("click", function (event) {
    var ad = event.target.closest("[data-ad-creative]");
    if (ad && event.target.closest("a[href]")) beacon({ ad: ad.getAttribute("data-ad-creative"), event: "click" });
  });
  function refreshViewCounts(root) {
    var targets = root.querySelectorAll("[data-view-count]"), ids = {};
    targets.forEach(function (node) { ids[node.getAttribute("data-view-count")] = 1; });
    if (targets.length) fetch("/analytics/counts/?pages=" + Object.keys(ids))
      .then(function (response) { return response.json(); })
      .then(function (labels) {
        targets.forEach(function (node) {
          var label = labels[node.getAttribute("data-view-count")];
          if (label) { node.textContent = label; node.hidden = false; }
        });
      }).catch(function () {});
  }
  refreshViewCounts(document);


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
          watchShown(node);
          refreshViewCounts(node);
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

// Audience boxes (Trending, Most read): a placeholder with a plain link in the cached
// page, filled from /trending/boxes/, a short-lived fragment the page cache keeps for a
// minute, so readers' views never purge or vary the page. Articles appended by
// continuous reading bring their own placeholder: the stream is watched for them.
(function () {
  function fill(root) {
    root.querySelectorAll("[data-audience-boxes]:not([data-audience-filled])").forEach(function (holder) {
      holder.setAttribute("data-audience-filled", "");
      fetch(holder.getAttribute("data-audience-boxes"), { headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) { holder.innerHTML = html; })
        .catch(function () {});  // the plain link stays
    });
  }
  fill(document);
  var stream = document.querySelector("[data-article-stream]");
  if (stream && "MutationObserver" in window) {
    new MutationObserver(function () { fill(stream); }).observe(stream, { childList: true });
  }
})();

// Donations (decision 0014), on every page with the donate box: the campaign's
// short-lived bar, and quick donate straight to PayPal (a token fetched from an uncached
// URL only when the reader presses it; without script the button leads to the form
// page). The amount chooser's slider is in donate.js, loaded by the donate pages only.
(function () {
  if (!window.fetch) return;

  document.querySelectorAll("[data-donation-progress]").forEach(function (holder) {
    fetch(holder.getAttribute("data-donation-progress"), { headers: { Accept: "text/html" } })
      .then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); return response.text(); })
      .then(function (html) { holder.innerHTML = html; })
      .catch(function () {})
      .then(function () { holder.setAttribute("data-filled", ""); });
  });

  // The waiting state while the server talks to PayPal: one press, and a spoken status.
  function waiting(form, on, message) {
    var button = form.querySelector("button[type='submit']");
    var status = form.querySelector("[data-donate-status]");
    if (button) button.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    if (status) status.textContent = message || "";
  }
  document.querySelectorAll("[data-quick-donate]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      waiting(form, true, "Contacting PayPal…");
      fetch(form.getAttribute("data-token-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (token) {
          return fetch(form.getAttribute("data-quick-donate"), {
            method: "POST",
            credentials: "same-origin",
            headers: { Accept: "application/json", "X-CSRFToken": token.csrf },
            body: new URLSearchParams({ quick: "1" })
          });
        })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (answer.ok && answer.redirect) { location.assign(answer.redirect); return; }
          waiting(form, false, answer.message || "That did not work: please try again.");
        })
        .catch(function () { form.submit(); });  // the plain way still works
    });
  });
  // Back from PayPal with the browser's back button: the page comes from the cache.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("[data-quick-donate]").forEach(function (form) { waiting(form, false, ""); });
  });
})();
