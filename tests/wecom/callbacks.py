"""WeCom callbacks as WeCom sends them (CHANNELS.md §2.3), encrypted with wechatpy.

The plaintext XML is built here, encrypted by wechatpy's ``WeChatCrypto.encrypt_message`` (the
library's own encrypt, not ours), and re-wrapped as the POST body WeCom sends:
``<xml><ToUserName/><Encrypt/><AgentID/></xml>`` with ``msg_signature``, ``timestamp`` and
``nonce`` in the query.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from urllib.parse import quote

import xmltodict

try:  # wechatpy 2.x
    from wechatpy.work.crypto import WeChatCrypto
except ImportError:  # wechatpy 1.8.x
    from wechatpy.enterprise.crypto import WeChatCrypto

CORP_ID = "ww0esmbotdemo"
AGENT_ID = 1000002
TOKEN = "esmbot-callback-token"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"  # any 43 base64 characters will do
_seconds = itertools.count(int(time.time()))  # CreateTime: one second apart, never repeating
_ids = itertools.count(7_000_000_000_000_000_001)
_nonces = itertools.count(1_372_623_149)  # WeCom picks a fresh nonce for every callback


def next_time() -> int:
    return next(_seconds)


def next_msg_id() -> str:
    return str(next(_ids))


def _xml(fields: dict[str, str | int]) -> str:
    def value(v: str | int) -> str:
        return str(v) if isinstance(v, int) else f"<![CDATA[{v}]]>"
    return "<xml>" + "".join(f"<{k}>{value(v)}</{k}>" for k, v in fields.items()) + "</xml>"


def text(user: str, content: str, *, msg_id: str | None = None, create_time: int | None = None,
         agent_id: int = AGENT_ID) -> str:
    return _xml({"ToUserName": CORP_ID, "FromUserName": user,
                 "CreateTime": create_time or next_time(), "MsgType": "text",
                 "Content": content, "MsgId": msg_id or next_msg_id(), "AgentID": agent_id})


def event(user: str, name: str, *, create_time: int | None = None, **more: str) -> str:
    return _xml({"ToUserName": CORP_ID, "FromUserName": user,
                 "CreateTime": create_time or next_time(), "MsgType": "event", "Event": name,
                 **more, "AgentID": AGENT_ID})


def card_click(user: str, task_id: str, key: str, response_code: str, *,
               create_time: int | None = None) -> str:
    """``template_card_event``: ``user`` tapped the button ``key`` on card ``task_id``."""
    return event(user, "template_card_event", create_time=create_time, EventKey=key,
                 TaskId=task_id, CardType="button_interaction", ResponseCode=response_code)


@dataclass(frozen=True)
class Sealed:
    body: str
    msg_signature: str
    timestamp: str
    nonce: str

    def query(self, *, msg_signature: str | None = None) -> str:
        signature = self.msg_signature if msg_signature is None else msg_signature
        return (f"msg_signature={signature}&timestamp={self.timestamp}"
                f"&nonce={quote(self.nonce)}")


def seal(plain: str, *, token: str = TOKEN, aes_key: str = AES_KEY, corp_id: str = CORP_ID,
         nonce: str | None = None, timestamp: str | None = None) -> Sealed:
    """``plain`` as WeCom POSTs it: encrypted and signed, now, with a fresh nonce."""
    crypto = WeChatCrypto(token, aes_key, corp_id)
    stamp = timestamp or str(int(time.time()))
    nonce = nonce or str(next(_nonces))
    reply = xmltodict.parse(crypto.encrypt_message(plain, nonce, stamp))["xml"]
    body = (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{reply['Encrypt']}]]></Encrypt>"
            f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>")
    return Sealed(body, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
