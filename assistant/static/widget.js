/* Leg press assistant widget. Embed: <script src="https://ASSISTANT-HOST/widget.js" defer></script>
 * Options (data- attributes on the tag): data-title, data-accent, data-position
 * (bottom-right | bottom-left), data-greeting, data-open.
 * Renders in a shadow root; never assigns innerHTML; talks only to the host in its own src. */
(() => {
  "use strict";
  const T = __WIDGET_CONFIG__;
  const tag = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!tag || window.__legpressAssistant) return;
  window.__legpressAssistant = true;

  const src = new URL(tag.src, location.href);
  const API = src.origin + src.pathname.replace(/\/widget\.js$/, "");
  const opt = tag.dataset;
  const title = opt.title || T.title;
  const accent = opt.accent && CSS.supports("color", opt.accent) ? opt.accent : "#0f766e";
  const greeting = opt.greeting || T.greeting;
  const KEY = "legpress-assistant:" + API;
  let state = { open: opt.open !== undefined && opt.open !== "false", msgs: [] };
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved && Array.isArray(saved.msgs)) state = { open: !!saved.open, msgs: saved.msgs };
  } catch (e) { /* storage blocked or corrupt: start fresh */ }
  const save = () => {
    state.msgs = state.msgs.slice(-60);
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* quota or blocked */ }
  };

  const CSS_TEXT = `
.w{all:initial;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:15px;line-height:1.45;color:#1f2937;-webkit-text-size-adjust:100%}
:where(.w,.w *){box-sizing:border-box}
:where(.w *){font-family:inherit;line-height:inherit;margin:0;padding:0}
button,textarea{font-size:inherit;color:inherit}
button{cursor:pointer;border:0;background:none}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.l{position:fixed;bottom:20px;right:20px;width:58px;height:58px;border-radius:50%;background:var(--a);color:var(--on);box-shadow:0 4px 14px rgba(0,0,0,.3);z-index:2147483000;display:flex;align-items:center;justify-content:center}
svg{width:28px;height:28px;fill:currentColor;display:block}
.p{position:fixed;bottom:90px;right:20px;width:380px;max-width:calc(100vw - 40px);height:580px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001;text-align:left}
.left .l,.left .p{left:20px;right:auto}
.p[hidden]{display:none}
.h{background:var(--a);color:var(--on);padding:10px 12px 10px 16px;display:flex;align-items:center;gap:8px}
.h h2{font-size:16px;font-weight:600;flex:1}
.x{color:inherit;font-size:24px;line-height:1;width:36px;height:36px;border-radius:6px}
.d{font-size:12px;color:#4b5563;background:#f3f4f6;padding:6px 16px;border-bottom:1px solid #e5e7eb}
.m{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.b{flex-shrink:0;max-width:90%;padding:8px 12px;border-radius:12px;overflow-wrap:anywhere}
.b p+p,.b p+ul,.b ul+p{margin-top:6px}
.b ul,.b ol{padding-left:20px}
.u{align-self:flex-end;background:var(--a);color:var(--on);white-space:pre-wrap}
.a{align-self:flex-start;background:#f3f4f6}
.e{background:#fef2f2;color:#7f1d1d}
strong{font-weight:700}
.bn{display:block;font-weight:700;padding:6px 10px;border-radius:6px;margin-bottom:8px;border-left:5px solid}
.pro{background:#fff4d6;color:#5c3d00;border-color:#d48a00}
.em{background:#fde2e1;color:#7a0b0b;border-color:#c81e1e}
.c{color:#0b5cad;font-weight:700;font-size:12px;vertical-align:super;line-height:1;padding:0 2px;text-decoration:underline}
.s{margin-top:8px;border-top:1px solid #d1d5db;padding-top:6px;font-size:13px}
.s>p{font-weight:600;color:#4b5563}
summary{cursor:pointer;padding:2px 0;color:#1f2937}
.pv{font-size:12px;color:#4b5563;margin:0 0 6px}
blockquote{border-left:3px solid #9ca3af;padding:2px 0 2px 8px;margin:4px 0 6px;color:#374151;white-space:pre-wrap}
.f{display:flex;gap:4px;margin-top:6px;align-items:center;font-size:12px;color:#4b5563}
.f button{padding:4px 6px;border-radius:6px;color:#6b7280}
.f svg{width:16px;height:16px}
.f button:hover{background:#e5e7eb}
.t{color:#6b7280;font-style:italic}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}
textarea{flex:1;resize:none;border:1px solid #9ca3af;border-radius:8px;padding:9px 10px;height:44px;background:#fff;color:#111827;font-size:16px}
.g{background:var(--a);color:var(--on);border-radius:8px;padding:0 16px;font-weight:600}
.g:disabled{opacity:.6;cursor:default}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.p,.left .p{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}.w.o .l{display:none}}`;

  // Element helper: text goes in through text nodes only.
  const h = (name, attrs, ...kids) => {
    const el = document.createElement(name);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v);
    }
    for (const kid of kids) if (kid != null) el.append(kid);
    return el;
  };

  const host = document.createElement("legpress-assistant");
  host.style.setProperty("all", "initial", "important");
  host.style.setProperty("display", "block", "important");
  const root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS_TEXT);
    root.adoptedStyleSheets = [sheet];
  } else root.append(h("style", { text: CSS_TEXT }));

  const wrap = h("div", { class: "w" + (opt.position === "bottom-left" ? " left" : "") });
  wrap.style.setProperty("--a", accent);
  wrap.style.setProperty("--on", "#fff");
  const icon = (d, flip) => {
    const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    const path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    if (flip) svg.setAttribute("transform", "rotate(180)");
    path.setAttribute("d", d);
    svg.append(path);
    return svg;
  };
  const THUMB = "M1 21h4V9H1zm22-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.5-1.1L14.2 1 7.6 7.6A2 2 0 0 0 7 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1.2-.7z";
  const launcher = h("button", {
    class: "l", type: "button", "aria-label": `${T.open}: ${title}`,
    "aria-expanded": "false", "aria-controls": "lpa-panel", onclick: () => toggle(!state.open),
  }, icon("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9zm0-3v2h10V6zm0 6v2h7v-2z"));
  wrap.append(launcher);
  root.append(wrap);
  (document.body || document.documentElement).append(host);

  // Dark text on light accent colours.
  const rgb = getComputedStyle(launcher).backgroundColor.match(/\d+(\.\d+)?/g);
  if (rgb && (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) > 170) {
    wrap.style.setProperty("--on", "#111827");
  }

  let panel, log, input, sendBtn, busy = false;

  function build() {
    const heading = h("h2", { id: "lpa-title", text: title });
    input = h("textarea", {
      id: "lpa-q", rows: "1", maxlength: String(T.maxChars), placeholder: T.placeholder,
      onkeydown: (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
      },
    });
    sendBtn = h("button", { class: "g", type: "submit", text: T.send });
    log = h("div", { class: "m", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-label": title });
    panel = h("div", {
      class: "p", id: "lpa-panel", role: "dialog", "aria-labelledby": "lpa-title", hidden: "",
      onkeydown: (e) => { if (e.key === "Escape") { e.stopPropagation(); toggle(false); } },
    },
      h("div", { class: "h" }, heading,
        h("button", { class: "x", type: "button", "aria-label": T.close, text: "×", onclick: () => toggle(false) })),
      h("p", { class: "d", text: T.disclaimer }),
      log,
      h("form", { onsubmit: (e) => { e.preventDefault(); submit(); } },
        h("label", { class: "sr", for: "lpa-q", text: T.input }), input, sendBtn));
    wrap.append(panel);
    log.append(bubble({ role: "assistant", text: greeting, greet: true }));
    state.msgs.forEach((m) => log.append(bubble(m)));
  }

  // `auto` (restored or data-open on load) leaves the page's focus alone.
  function toggle(open, auto) {
    if (open && !panel) build();
    state.open = open;
    save();
    if (!panel) return;
    panel.hidden = !open;
    wrap.classList.toggle("o", open);
    launcher.setAttribute("aria-expanded", String(open));
    if (open) log.scrollTop = log.scrollHeight;
    if (!auto) (open ? input : launcher).focus();
  }

  // Inline Markdown subset: **bold** and [n] citation markers; everything else is text.
  function inline(el, line, cites) {
    for (const part of line.split(/(\*\*[^*]+\*\*|\[\d+\])/)) {
      if (!part) continue;
      const n = /^\[(\d+)\]$/.exec(part);
      if (part.startsWith("**") && part.length > 4) el.append(h("strong", { text: part.slice(2, -2) }));
      else if (n && cites[n[1]]) {
        el.append(h("button", {
          class: "c", type: "button", text: part, "aria-label": `${T.sources} ${n[1]}`,
          onclick: () => { const d = cites[n[1]]; d.open = true; d.firstChild.focus(); },
        }));
      } else el.append(part);
    }
  }

  function markdown(text, cites) {
    const frag = document.createDocumentFragment();
    for (const block of String(text).split(/\n\s*\n/)) {
      const lines = block.split("\n").filter((l) => l.trim());
      if (!lines.length) continue;
      const list = lines.every((l) => /^\s*[-*•]\s+/.test(l)) ? "ul"
        : lines.every((l) => /^\s*\d+[.)]\s+/.test(l)) ? "ol" : null;
      if (list) {
        const el = h(list);
        for (const l of lines) {
          const li = h("li");
          inline(li, l.replace(/^\s*([-*•]|\d+[.)])\s+/, ""), cites);
          el.append(li);
        }
        frag.append(el);
      } else {
        const quote = lines.every((l) => /^\s*>/.test(l));
        const el = h(quote ? "blockquote" : "p");
        lines.forEach((l, i) => {
          if (i) el.append(h("br"));
          inline(el, l.replace(quote ? /^\s*>\s?/ : /^#{1,6}\s+/, ""), cites);
        });
        frag.append(el);
      }
    }
    return frag;
  }

  const hostOf = (s) => { try { return new URL(s).hostname; } catch (_) { return s; } };
  // "Reviewed <date> · Sources: <links>" from the cited document's front matter.
  function provenance(c) {
    const p = h("p", { class: "pv" });
    if (c.reviewed) p.append(`${T.reviewed} ${String(c.reviewed)}`);
    const links = (Array.isArray(c.sources) ? c.sources : []).map(String)
      .filter((s) => /^https?:\/\//.test(s)).slice(0, 3);
    links.forEach((s, i) => {
      p.append(i === 0 ? (c.reviewed ? " · " : "") + `${T.sources}: ` : ", ");
      p.append(h("a", { href: s, target: "_blank", rel: "noopener noreferrer", text: hostOf(s) }));
    });
    return p.childNodes.length ? p : null;
  }

  function bubble(m) {
    if (m.role === "user") return h("div", { class: "b u", text: m.text });
    const el = h("div", { class: "b a" + (m.err ? " e" : "") });
    const cites = {};
    const sources = h("div", { class: "s" }, h("p", { text: T.sources }));
    for (const c of Array.isArray(m.citations) ? m.citations : []) {
      const section = String(c.section || c.title || "");
      const label = `[${c.n}] ${section.startsWith(c.title || "") ? section : `${c.title} › ${section}`}`;
      const d = h("details", {}, h("summary", { text: label }), h("blockquote", { text: String(c.text || "") }),
        provenance(c));
      cites[c.n] = d;
      sources.append(d);
    }
    if (m.route === "professional" || m.route === "emergency") {
      el.append(h("strong", {
        class: "bn " + (m.route === "emergency" ? "em" : "pro"), role: "note",
        text: "⚠ " + T[m.route],
      }));
    }
    el.append(markdown(m.text, cites));
    if (Object.keys(cites).length) el.append(sources);
    if (m.route) el.append(feedback(m));
    return el;
  }

  function feedback(m) {
    const bar = h("div", { class: "f" });
    const vote = (helpful) => {
      m.vote = helpful ? "up" : "down";
      save();
      bar.replaceChildren(h("span", { text: T.thanks }));
      fetch(API + "/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ route: m.route, helpful }),
      }).catch(() => {});
    };
    if (m.vote) bar.append(h("span", { text: T.thanks }));
    else {
      bar.append(
        h("button", { type: "button", "aria-label": T.helpful, title: T.helpful, onclick: () => vote(true) }, icon(THUMB)),
        h("button", { type: "button", "aria-label": T.notHelpful, title: T.notHelpful, onclick: () => vote(false) }, icon(THUMB, true)));
    }
    return bar;
  }

  // A member's own message: scroll to the end. A reply: show its start (the referral
  // banner and the first line), not its end, when it is taller than the view.
  function add(m) {
    if (!m.err) { state.msgs.push(m); save(); }
    const el = bubble(m);
    log.append(el);
    if (m.role === "user") log.scrollTop = log.scrollHeight;
    else log.scrollTop += el.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
  }

  // fetch() fails the same way for a network failure and for a CORS refusal; a no-cors
  // request still reaches a running server, which tells the two apart.
  async function failure() {
    try {
      await fetch(API + "/healthz", { mode: "no-cors", cache: "no-store" });
    } catch (_) {
      return T.unreachable;
    }
    console.error(`legpress-assistant: ${API} refused this page's origin (${location.origin}). ` +
      "Add it to ASSISTANT_ALLOWED_ORIGINS on the assistant server.");
    return T.refused;
  }

  async function submit() {
    const q = input.value.trim();
    if (!q || busy) return;
    const history = state.msgs
      .filter((m) => !m.err)
      .map((m) => ({ role: m.role, content: String(m.text).slice(0, T.maxChars * 10) }))
      .slice(-T.maxTurns);
    busy = true;
    sendBtn.disabled = true;
    input.value = "";
    add({ role: "user", text: q });
    let wait = h("div", { class: "b a t", "aria-busy": "true", text: T.thinking });
    log.append(wait);
    log.scrollTop = log.scrollHeight;
    let reply;
    try {
      const res = await fetch(API + (T.stream ? "/api/ask/stream" : "/api/ask"), {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ message: q, history }),
      });
      let data = null;
      if (T.stream && res.ok && res.body) {
        // One JSON object per line: drafts of the checked answer (each replaces the last
        // one shown), then the reply. A stream cut short ends on a draft: an error.
        const rd = res.body.getReader(), dec = new TextDecoder();
        let buf = "", done = false;
        while (!done) {
          const r = await rd.read();
          done = r.done;
          buf += dec.decode(r.value, { stream: !done });
          const lines = buf.split("\n");
          buf = lines.pop();
          for (const line of lines.filter((l) => l.trim())) {
            data = JSON.parse(line);
            if (data.draft && typeof data.answer === "string") {
              const b = bubble({ role: "assistant", text: data.answer, citations: data.citations });
              b.setAttribute("aria-busy", "true");
              wait.replaceWith(b);
              wait = b;
            }
          }
        }
        if (data && data.draft) data = null;
      } else data = await res.json().catch(() => null);
      if (res.ok && data && typeof data.answer === "string") {
        reply = { role: "assistant", text: data.answer, route: data.route, citations: data.citations };
      } else {
        const msg = res.status < 500 && data && typeof data.error === "string" ? data.error : T.error;
        reply = { role: "assistant", text: msg, err: true };
      }
    } catch (e) {
      reply = { role: "assistant", text: await failure(), err: true };
    }
    wait.remove();
    add(reply);
    busy = false;
    sendBtn.disabled = false;
    input.focus();
  }

  if (state.open) toggle(true, true);
})();
