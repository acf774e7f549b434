"""Group robots of departments and plans on WeCom, DingTalk, Feishu and Slack
(docs/architecture.md "Chat robots"): one module per concern — the message format and its
split (formats), the signatures (signing), reading the platform's answer (answers), the HTTP
post (transport), the per-robot throttle (throttle), the outbox's robot channel (delivery) and
the writes (services)."""
