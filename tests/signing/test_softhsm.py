"""The reusable SoftHSM fixture: its own config folder, a key pair made on the token, a CA-issued cert."""

from __future__ import annotations

from pathlib import Path

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding
from pkcs11 import Attribute, ObjectClass

from sohoa.signing.softhsm import SoftHsmToken, TestCa, create_token
from sohoa.signing.tokens import list_tokens, load_module


def test_token_lives_in_its_own_folder(token: SoftHsmToken) -> None:
    assert token.conf.is_file()
    assert f"directories.tokendir = {token.token_dir}" in token.conf.read_text()
    assert any(token.token_dir.iterdir()), "the token's files are in the test's folder"


def test_key_pair_was_generated_on_the_token_and_cannot_leave_it(token: SoftHsmToken) -> None:
    lib = load_module(token.module)
    tok = lib.get_token(token_label=token.label)
    with tok.open(user_pin=token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=token.cert_id)
        assert key[Attribute.LOCAL] is True  # generated on the token, not imported
        assert key[Attribute.NEVER_EXTRACTABLE] is True
        assert key[Attribute.SENSITIVE] is True
        certs = list(
            session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: token.cert_id})
        )
        assert len(certs) == 1, "the certificate is stored under the key's CKA_ID"
        on_token = x509.load_der_x509_certificate(bytes(certs[0][Attribute.VALUE]))
        signature = key.sign(b"ky so", mechanism=pkcs11.Mechanism.SHA256_RSA_PKCS)
    on_token.public_key().verify(signature, b"ky so", padding.PKCS1v15(), on_token.signature_hash_algorithm)


def test_certificate_is_issued_by_the_test_ca(token: SoftHsmToken, test_ca: TestCa) -> None:
    cert = x509.load_pem_x509_certificate(token.cert_pem.read_bytes())
    assert cert.issuer == test_ca.cert.subject
    cert.verify_directly_issued_by(test_ca.cert)
    assert Path(token.ca_pem).read_bytes() == test_ca.cert_pem.read_bytes()


def test_token_is_found_by_label_whatever_its_slot(token: SoftHsmToken) -> None:
    tokens = list_tokens(token.module)
    labels = [t.label for t in tokens]
    assert token.label in labels
    info = tokens[labels.index(token.label)]
    assert [c.cert_id for c in info.certificates] == [token.cert_id]
    assert info.certificates[0].subject == "Cán bộ Một Cửa Thử Nghiệm"
    assert "digital_signature" in info.certificates[0].key_usage


def test_ec_p256_option(tmp_path: Path, test_ca: TestCa) -> None:
    tok = create_token(tmp_path / "ec", ca=test_ca, label="EC Token", key_type="ec")
    cert = x509.load_pem_x509_certificate(tok.cert_pem.read_bytes())
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
