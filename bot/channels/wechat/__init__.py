"""The WeChat Official Account channel.

`protocol` checks, decrypts and parses callbacks and renders replies (wechatpy does the crypto
and XML); `channel` answers each user message exactly once, passively within the callback's
time window or later through the customer-service API (`sender`), using `tokens` for the
shared access_token; `menu` publishes the custom menu.
"""
