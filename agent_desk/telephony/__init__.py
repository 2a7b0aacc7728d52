"""Telephony: SIP softphone and caller-ID modem. Qt-free by design."""
