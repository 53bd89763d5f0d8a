// @ts-check
/**
 * JSDoc types of what the server sends the pages (bot/api/routes/chat.py, agent.py, editor.py;
 * bot/handoff/views.py). Types only: import them with `@typedef {import("./types.js").X} X`.
 */

/** @typedef {{title: string, payload?: string | null}} Button */
/** @typedef {{title: string, url: string}} Link */

/** @typedef {{token: string, role: string, username: string}} StaffSession */

/**
 * A picture or file kept by the server (bot/media/store.py `Stored.view`); `url` answers only
 * with the reader's token in an Authorization header.
 * @typedef {{id: string, kind: "image" | "file", type: string, name: string, size: number,
 *   width?: number | null, height?: number | null, url: string}} Attachment
 */

// ---------------------------------------------------------------- the chat page's socket

/**
 * A message of the conversation as the chat page shows it (history or live).
 * @typedef {object} ChatMessage
 * @property {"user" | "bot" | "agent" | "system" | "error" | "divider"} role divider: an
 *   earlier conversation starts here (at `ts`)
 * @property {string | null} [text]
 * @property {Button[]} [buttons]
 * @property {Link[]} [links]
 * @property {string | null} [image] URL of a picture
 * @property {Attachment | null} [attachment] a picture or file sent in the conversation
 * @property {string | null} [name] the engineer's display name
 * @property {string} [ts] ISO time
 * @property {number | string} [id]
 * @property {string} [reply_to] client id of the user's message this answers
 * @property {string | null} [client_id] a user message's id as the page sent it
 * @property {boolean} [answered] a user message's turn finished (false: a turn cut short)
 */

/**
 * Server -> chat page frames.
 * @typedef {{type: "history", messages: ChatMessage[]}
 *   | {type: "session", token: string, sender: string}
 *   | {type: "ack", id: string}
 *   | {type: "done", id: string}
 *   | {type: "typing", on: boolean, who?: string, name?: string}
 *   | ({type: "bot" | "agent"} & ChatMessage)
 *   | {type: "system", text: string, buttons?: Button[], mode?: string, name?: string, reply_to?: string}
 *   | {type: "queue", text: string, position?: number, eta?: number, status?: string}
 *   | {type: "rating", text: string, handoff: number, mode?: string}
 *   | {type: "rated", handoff: number, text: string}
 *   | {type: "error", code: string, text?: string, id?: string}
 *   | CallbackFrame} ChatFrame
 */

/**
 * The call-back form's frames (bot/api/routes/chat_callback.py).
 * @typedef {{type: "callback_slots", slots: {start: string, end: string, label: string}[]}
 *   | {type: "callback_error", code: string, text: string, id?: string}
 *   | {type: "callback_booked", id: string}} CallbackFrame
 */

// ---------------------------------------------------------------- the agent console

/**
 * A handoff as the lists show it (bot/handoff/views.py `summary`).
 * @typedef {object} HandoffSummary
 * @property {number} id
 * @property {string} channel
 * @property {string} sender
 * @property {string} customer how the console names the customer
 * @property {number | null} [customer_id]
 * @property {string | null} [member_id]
 * @property {string | null} [phone_masked] e.g. 138****5678
 * @property {string} [words] what the customer wrote (for search)
 * @property {string[]} tags
 * @property {string} status queued | offered | active | closed | returned | ticket | cancelled
 * @property {string} queue
 * @property {string} queue_name
 * @property {string[]} skills
 * @property {string[]} skill_names
 * @property {number} priority
 * @property {number | null} tier
 * @property {string} source
 * @property {string | null} reason
 * @property {string | null} summary
 * @property {string | null} agent
 * @property {string | null} agent_name
 * @property {string | null} requested_at
 * @property {number | null} requested_ms
 * @property {string | null} accepted_at
 * @property {number | null} position
 * @property {string | null} flag the emotion trough's label
 * @property {{role: string, text: string | null, at: string} | null} last_message
 */

/**
 * One stored message in the console (bot/handoff/views.py `MessageView`).
 * @typedef {object} MessageView
 * @property {number} id
 * @property {"in" | "out"} direction
 * @property {string} role
 * @property {string | null} text
 * @property {Button[]} buttons
 * @property {Link[]} links
 * @property {string | null} name
 * @property {string} at
 * @property {Attachment | null} [attachment]
 */

/** @typedef {{id?: number, by: string, name?: string, text?: string, note?: string, at: string}} Note */

/**
 * @typedef {object} Suggestion
 * @property {string} id
 * @property {string} title
 * @property {number} score
 * @property {string} [answer]
 * @property {Link[]} [links]
 */

/**
 * The context package of a handoff (bot/handoff/context.py).
 * @typedef {object} HandoffContext
 * @property {MessageView[]} transcript
 * @property {Record<string, any>} customer the profile snapshot
 * @property {string[]} tags
 * @property {{tier: number, reason: string}[]} tier_history
 * @property {{trajectory?: {negative: number}[], trough?: {label: string} | null}} emotion
 * @property {Suggestion[]} suggestions
 * @property {{query?: string, decision?: string, candidates?: {title: string, score: number}[]}[]} matches
 * @property {{tree: string, title?: string, status: string, path?: Record<string, any>[]}[]} diagnosis
 */

/** @typedef {HandoffSummary & {context: HandoffContext, notes?: Note[]}} HandoffDetail */

/**
 * @typedef {object} Overview
 * @property {{name: string, queued?: number, offered?: number, active?: number, longest_wait_s?: number}[]} queues
 * @property {{username: string, name: string, online: boolean, status: string, load: number, capacity: number, skills: string[]}[]} agents
 * @property {{id: number, customer: string, flag: string, status: string, agent_name?: string}[]} flagged
 * @property {{count: number, average?: number}} ratings
 * @property {number} tickets_open
 */

/** @typedef {{username: string, name: string, role: string, status: string, skills: string[]}} Me */

/**
 * Server -> console frames (/ws/agent).
 * @typedef {{type: "snapshot", me: Me, skills?: Record<string, string>, overview: Overview, handoffs?: HandoffSummary[]}
 *   | {type: "handoff", handoff: HandoffSummary}
 *   | {type: "message", handoff_id: number, message: MessageView}
 *   | {type: "note", handoff_id: number, note: Note}
 *   | {type: "typing", handoff_id: number, who: string, on?: boolean}
 *   | {type: "overview", overview: Overview}
 *   | {type: "workorder_reminder", level: number, workorder: {id: number, number: string, owner: string | null, summary: string}}
 *   | {type: "ticket" | "rating" | "pong" | "alert" | "workorder"}} AgentFrame
 */

/**
 * @typedef {object} Ticket
 * @property {number} id
 * @property {string} number
 * @property {string} status open | assigned | closed
 * @property {string} channel
 * @property {string | null} why
 * @property {string | null} assignee
 * @property {string | null} due_at
 * @property {string} summary
 * @property {string | null} [answer]
 * @property {{package?: {customer?: Record<string, any>, tags?: string[], transcript?: MessageView[]}}} [context]
 * @property {{phone: string, start: string, end: string, label: string, note: string} | null} [callback] 预约回电 (staff only)
 */

export {};
