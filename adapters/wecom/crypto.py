"""Callback signatures and AES (加解密方案), by wechatpy's ``WeChatCrypto``.

Only the crypto of wechatpy is used: it does no I/O, so it is safe on the event loop. The
signature is checked here first, in constant time (wechatpy compares with ``!=``), and a
request whose signature is wrong never reaches the AES code. Decrypting also checks that the
message was meant for our CorpID (the ``receiveid`` at its end).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import struct
from typing import Any

import xmltodict
from wechatpy.exceptions import InvalidSignatureException

try:  # wechatpy 2.x calls the WeCom package "work"; 1.8.x (the stable release) "enterprise"
    from wechatpy.work.crypto import WeChatCrypto
    from wechatpy.work.exceptions import InvalidCorpIdException
except ImportError:  # pragma: no cover - depends on the installed wechatpy
    from wechatpy.enterprise.crypto import WeChatCrypto
    from wechatpy.enterprise.exceptions import InvalidCorpIdException


class Forged(Exception):
    """The signature does not match: not from WeCom, or not for our Token."""


class Undecryptable(Exception):
    """Signed with our Token but not readable with our EncodingAESKey or not for our CorpID;
    the message names the setting to check."""


class Malformed(ValueError):
    """The request is not a WeCom callback at all (no XML, no ``Encrypt``)."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """``msg_signature``: sha1 of the four values sorted and joined, lowercase hex."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def parse_xml(text: str | bytes) -> dict[str, Any]:
    """The children of a ``<xml>`` document as a dict (entities disabled); ``Malformed`` if it
    is not one."""
    try:
        document = xmltodict.parse(text)
    except Exception as exc:  # expat raises its own error types
        raise Malformed(f"not XML: {type(exc).__name__}") from None
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise Malformed("no <xml> root")
    return root


class CallbackCrypto:
    def __init__(self, token: str, encoding_aes_key: str, corp_id: str) -> None:
        self._token = token
        self._crypto = WeChatCrypto(token, encoding_aes_key, corp_id)

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """URL verification: the plaintext of ``echostr``, to be answered as it is."""
        self._check(msg_signature, timestamp, nonce, echostr)
        return self._decrypt(lambda: self._crypto.check_signature(
            msg_signature, timestamp, nonce, echostr))

    def open(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
        """A POSTed callback ``<xml><Encrypt>...``: its decrypted XML."""
        envelope = parse_xml(body)
        encrypted = envelope.get("Encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise Malformed("no <Encrypt>")
        self._check(msg_signature, timestamp, nonce, encrypted)
        return self._decrypt(lambda: self._crypto.decrypt_message(
            {"Encrypt": encrypted}, msg_signature, timestamp, nonce))

    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), msg_signature.lower().encode()):
            raise Forged("msg_signature does not match")

    @staticmethod
    def _decrypt(decrypt: Any) -> str:
        try:
            return str(decrypt())
        except InvalidSignatureException:
            raise Forged("msg_signature does not match") from None
        except InvalidCorpIdException:
            raise Undecryptable("decrypted, but not for our CorpID: check wecom.corp_id and "
                                "wecom.encoding_aes_key") from None
        except (binascii.Error, ValueError, IndexError, struct.error, UnicodeDecodeError):
            raise Undecryptable("cannot decrypt: check wecom.encoding_aes_key") from None
