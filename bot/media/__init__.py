"""Pictures and files customers and engineers send: checked by content, stored, served safely.

`sniff` names a file's type from its bytes (never from its name or the client's header) and
refuses what the settings do not allow; `store` keeps accepted files in a backend (a directory
under `var/` by default) with a row in `media_files` naming whose conversation they belong to;
`access` says who may read one. The routes in `bot.api.routes.media` serve them so they can
never run in the app's origin.
"""
