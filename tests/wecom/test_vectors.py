"""The official test vectors of CHANNELS.md §2.8, through the real ``/wecom/callback``.

Each set brings its own Token, EncodingAESKey and CorpID, so each runs a bot configured with
them (and a fake qyapi that knows that CorpID). GET must answer the decrypted echostr exactly;
POST must decrypt the message and hand it to the core (whose member is not in the directory,
so the core answers "I don't know you yet" through message/send).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from adapters.wecom import web as wecom_web
from tests.wecom.conftest import CALLBACK, WeComHarness, running, wecom_settings
from tests.wecom.fake_qyapi import FakeQyapi


@dataclass(frozen=True)
class VectorSet:
    name: str
    token: str
    aes_key: str
    corp_id: str
    agent_id: int
    verify: tuple[str, str, str, str]  # msg_signature, timestamp, nonce, echostr
    echo_plain: str
    post: tuple[str, str, str, str]  # msg_signature, timestamp, nonce, body
    sender: str
    msg_id: str


SET_A = VectorSet(
    "wechatpy", "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a", 1,
    ("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425",
     "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="),
    "5927782489442352469",
    ("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294",
     """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""),
    "messense", "4363689963896700987",
)
SET_B = VectorSet(
    "Tencent sample", "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "wx5823bf96d3bd56c7", 218,
    ("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
     "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="),
    "1616140317555161061",
    ("477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149",
     "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"),
    "mycreate", "4561255354251345929",
)
SET_C = VectorSet(
    "Tencent Python sample", "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "ww1436e0e65a779aee", 1000002,
    ("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683",
     "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="),
    "1288432023552776189",
    ("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914",
     "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"),
    "ChenJiaShun", "1456453720",
)
SETS = [pytest.param(s, id=s.name) for s in (SET_A, SET_B, SET_C)]


@asynccontextmanager
async def bot_for(vectors: VectorSet, tmp_path: Path) -> AsyncIterator[WeComHarness]:
    fake = await FakeQyapi(corp_id=vectors.corp_id, agent_id=vectors.agent_id).start()
    settings = wecom_settings(tmp_path, fake, token=vectors.token,
                              encoding_aes_key=vectors.aes_key)
    try:
        async with running(settings, fake) as harness:
            yield harness
    finally:
        await fake.close()


def verification_query(signature: str, timestamp: str, nonce: str, echostr: str, *,
                       encode: bool = True) -> str:
    echo = quote(echostr, safe="") if encode else echostr
    return f"msg_signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr={echo}"


@pytest.mark.parametrize("vectors", SETS)
async def test_url_verification_answers_the_plain_echostr(
    vectors: VectorSet, tmp_path: Path,
) -> None:
    async with bot_for(vectors, tmp_path) as wecom:
        response = await wecom.http.get(f"{CALLBACK}?{verification_query(*vectors.verify)}")
        assert response.status == 200
        assert await response.read() == vectors.echo_plain.encode()  # no quotes, no newline
        assert response.content_type == "text/plain"


async def test_a_plus_left_unencoded_in_the_echostr_is_a_plus(tmp_path: Path) -> None:
    async with bot_for(SET_B, tmp_path) as wecom:
        assert "+" in SET_B.verify[3]
        query = verification_query(*SET_B.verify, encode=False)
        response = await wecom.http.get(f"{CALLBACK}?{query}")
        assert (response.status, await response.text()) == (200, SET_B.echo_plain)


async def test_url_verification_with_a_wrong_nonce_is_refused(tmp_path: Path) -> None:
    async with bot_for(SET_A, tmp_path) as wecom:
        signature, timestamp, _, echostr = SET_A.verify
        query = verification_query(signature, timestamp, "437374424", echostr)
        response = await wecom.http.get(f"{CALLBACK}?{query}")
        assert response.status == 403
        assert SET_A.echo_plain not in await response.text()


@pytest.mark.parametrize("vectors", SETS)
async def test_an_official_message_is_decrypted_and_reaches_the_core(
    vectors: VectorSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with bot_for(vectors, tmp_path) as wecom:
        signature, timestamp, nonce, body = vectors.post
        # the vectors are signed years ago: our clock reads their time, or they are stale
        monkeypatch.setattr(wecom_web, "wall_clock", lambda: float(timestamp) + 30)
        query = f"msg_signature={signature}&timestamp={timestamp}&nonce={nonce}"
        response = await wecom.http.post(f"{CALLBACK}?{query}", data=body.encode())
        assert (response.status, await response.text()) == (200, "")
        await wecom.settle()
        assert await wecom.inbound_ids() == [vectors.msg_id]
        [answer] = wecom.fake.sends_to(vectors.sender)  # a stranger: told to ask the admin
        assert "我还不认识你" in answer.text and vectors.sender in answer.text


@pytest.mark.parametrize("vectors", SETS)
async def test_an_official_message_with_a_changed_signature_does_nothing(
    vectors: VectorSet, tmp_path: Path,
) -> None:
    async with bot_for(vectors, tmp_path) as wecom:
        signature, timestamp, nonce, body = vectors.post
        forged = ("0" if signature[0] != "0" else "1") + signature[1:]
        query = f"msg_signature={forged}&timestamp={timestamp}&nonce={nonce}"
        response = await wecom.http.post(f"{CALLBACK}?{query}", data=body.encode())
        assert response.status == 403
        await wecom.settle()
        assert await wecom.inbound_ids() == []
        assert wecom.fake.calls_to("message/send", ok=None) == []
