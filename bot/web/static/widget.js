// @ts-check
/**
 * Kefu chat widget for any site: a floating button that opens the chat in a panel.
 *
 *   <script src="https://<kefu host>/widget.js" data-customer-token="<signed token>" async></script>
 *
 * Options (data- attributes of the script tag): customer-token (a signed customer token from the
 * site's server; also window.KEFU_CUSTOMER_TOKEN), label (the button's text, default 在线客服),
 * position (right | left). The chat runs in an iframe of /chat on the Kefu host, so it has every
 * feature of the page; the token reaches it by postMessage, never in a URL. Styles live in a
 * shadow root: the host page's CSS and the widget's do not touch each other.
 * A classic script (not a module): host pages load it with a plain <script> tag.
 */
(() => {
  const w = /** @type {any} */ (window);
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script || w.kefuWidget) return;
  const origin = new URL(script.src).origin;
  const opts = script.dataset;
  const token = opts.customerToken || w.KEFU_CUSTOMER_TOKEN || "";
  const left = opts.position === "left";

  const CSS = `
    :host { all: initial; }
    .launcher { position: fixed; bottom: 24px; ${left ? "left" : "right"}: 24px; z-index: 2147483000;
      display: flex; align-items: center; gap: 8px; height: 52px; padding: 0 20px 0 16px; border: 0; border-radius: 26px;
      color: #fff; background: linear-gradient(120deg, #3c4fe0, #6d4ce6); box-shadow: 0 8px 24px rgba(42, 55, 168, .35);
      font: 600 15px/1 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; cursor: pointer; }
    .launcher:focus-visible { outline: 3px solid #ffd666; outline-offset: 2px; }
    .panel { position: fixed; bottom: 92px; ${left ? "left" : "right"}: 24px; z-index: 2147483001; display: flex; flex-direction: column;
      width: 380px; height: min(640px, calc(100vh - 120px)); border-radius: 16px; overflow: hidden; background: #fff;
      box-shadow: 0 16px 48px rgba(29, 33, 41, .25); }
    .panel[hidden] { display: none; }
    .close { position: absolute; top: 10px; right: 10px; z-index: 1; width: 32px; height: 32px; border: 0; border-radius: 50%;
      color: #fff; background: rgba(0, 0, 0, .25); font: 20px/32px sans-serif; cursor: pointer; }
    iframe { flex: 1; width: 100%; border: 0; }
    @media (max-width: 480px) {
      .panel { inset: 0; width: auto; height: 100%; border-radius: 0; bottom: 0; }
      .launcher { bottom: 16px; ${left ? "left" : "right"}: 16px; }
    }`;
  const STAR = "M12 2l2.6 6.6L21 11l-6.4 2.4L12 20l-2.6-6.6L3 11l6.4-2.4z";

  const host = document.createElement("div");
  host.id = "kefu-widget";
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = CSS;

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "kefu-panel");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "22");
  svg.setAttribute("height", "22");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", STAR);
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  launcher.append(svg, document.createTextNode(opts.label || "在线客服"));

  const panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "kefu-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "在线客服");
  panel.hidden = true;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.setAttribute("aria-label", "关闭客服窗口");
  close.textContent = "×";
  const frame = document.createElement("iframe");
  frame.title = "在线客服";
  frame.allow = "clipboard-write";
  panel.append(close, frame);
  root.append(style, launcher, panel);

  /** Hand the chat its customer token once it is ready; it asks again after a reload. */
  function init() {
    frame.contentWindow?.postMessage({ type: "kefu:init", customerToken: token || null }, origin);
  }
  window.addEventListener("message", (ev) => {
    if (ev.origin === origin && ev.source === frame.contentWindow && ev.data?.type === "kefu:ready") init();
  });

  function open() {
    if (!frame.src) frame.src = `${origin}/chat?embed=1`;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }
  function hide() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", () => (panel.hidden ? open() : hide()));
  close.addEventListener("click", hide);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !panel.hidden) hide();
  });

  (document.body || document.documentElement).appendChild(host);
  w.kefuWidget = { open, close: hide, element: host };
})();
