// @ts-check
/** The chat page's icon paths (drawn with lib/dom.js `icon`). */
export const STAR = "M16 3l3.4 8.6L28 15l-8.6 3.4L16 27l-3.4-8.6L4 15l8.6-3.4z"; // viewBox 0 0 32 32
export const LINK =
  "M10.6 13.4a1 1 0 010-1.4l3.5-3.5a3 3 0 114.2 4.2l-2 2a1 1 0 01-1.4-1.4l2-2a1 1 0 00-1.4-1.4L12 13.4a1 1 0 01-1.4 0zm2.8-2.8a1 1 0 010 1.4l-3.5 3.5a3 3 0 11-4.2-4.2l2-2a1 1 0 011.4 1.4l-2 2a1 1 0 001.4 1.4L12 10.6a1 1 0 011.4 0z";
export const THUMB_UP =
  "M2 10h4v11H2zM8 21V10l5.3-7.1a1.6 1.6 0 012.9 1.2L15 9h5.2a2 2 0 012 2.4l-1.6 8A2 2 0 0118.6 21z";
export const THUMB_DOWN =
  "M22 14h-4V3h4zM16 3v11l-5.3 7.1a1.6 1.6 0 01-2.9-1.2L9 15H3.8a2 2 0 01-2-2.4l1.6-8A2 2 0 015.4 3z";
