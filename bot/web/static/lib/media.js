// @ts-check
/**
 * Pictures and files of a conversation (bot/api/routes/media.py), for the chat page and the
 * console. The server answers `/media/<id>` only to a reader who sends their token in an
 * Authorization header, so the pages fetch each file once and show it from a blob URL; a
 * file is offered for download under its name, never opened in the page's origin.
 */

/** @typedef {import("./types.js").Attachment} Attachment */

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/** What the file picker offers (the server decides by content). */
export const ACCEPT = [...IMAGE_TYPES, "application/pdf", "text/plain", ".docx", ".xlsx"].join(",");

export class MediaLoader {
  /** @param {() => string} token the reader's token (visitor or staff) */
  constructor(token) {
    this.token = token;
    /** @type {Map<string, Promise<string>>} media id -> blob URL */
    this.urls = new Map();
  }

  /**
   * A blob URL of the file (fetched once).
   * @param {Attachment} a
   * @returns {Promise<string>}
   */
  url(a) {
    let found = this.urls.get(a.id);
    if (!found) {
      found = fetch(`/media/${encodeURIComponent(a.id)}`, { headers: { Authorization: `Bearer ${this.token()}` } })
        .then((res) => {
          if (!res.ok) throw new Error(`media ${res.status}`);
          return res.blob();
        })
        .then((blob) => URL.createObjectURL(blob));
      found.catch(() => this.urls.delete(a.id)); // try again next time
      this.urls.set(a.id, found);
    }
    return found;
  }

  /**
   * Fill a picture's <img> (and the link around it, which opens it full size).
   * @param {HTMLImageElement} img
   * @param {Attachment} a
   */
  show(img, a) {
    this.url(a)
      .then((u) => {
        img.src = u;
        const link = img.closest("a");
        if (link) link.href = u;
      })
      .catch(() => {
        img.classList.add("is-broken");
        img.alt = `${a.name}（无法加载）`;
      });
  }

  /**
   * Save a file under its name.
   * @param {Attachment} a
   */
  async download(a) {
    const link = document.createElement("a");
    link.href = await this.url(a);
    link.download = a.name || "file";
    link.rel = "noopener";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  /**
   * Fill every picture under `root` that is marked `data-media` and not shown yet.
   * @param {ParentNode} root
   * @param {(id: string) => Attachment | undefined} find
   */
  hydrate(root, find) {
    for (const img of root.querySelectorAll("img[data-media]")) {
      const el = /** @type {HTMLImageElement} */ (img);
      const a = find(el.dataset.media || "");
      if (a && !el.getAttribute("src")) this.show(el, a);
    }
  }
}

/**
 * A file's size as people read it: 823 KB, 2.4 MB.
 * @param {number} bytes
 */
export function sizeText(bytes) {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * What an upload refused says: the server's Chinese reason, or one of ours.
 * @param {Response} res
 */
export async function uploadError(res) {
  const body = await res.json().catch(() => null);
  if (res.status === 413) return body?.error?.message && body.error.code !== "body_too_large" ? body.error.message : "文件太大了，请换一个小一些的文件。";
  return body?.error?.message || `上传没有成功（${res.status}），请稍后再试。`;
}
