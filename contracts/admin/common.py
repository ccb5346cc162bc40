"""What the contracts admins share: their stylesheet."""

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}
