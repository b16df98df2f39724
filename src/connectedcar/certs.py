"""`connectedcar admin certs`: a local certificate authority, a server and a client certificate, so that
seed 001's mutual-TLS curl (`--cert --key --cacert`) works against a local server.

Everything is PEM: ECDSA P-256 keys signed with SHA-256; the CA lasts 10 years, the leaves 1 year. The CA
in the directory is reused when it is there (clients that trust it keep trusting the new leaves); the
server and client certificates are issued afresh on every run. Keys are written with mode 600.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from connectedcar import admin
from connectedcar.store import fleets

DEFAULT_DIR = Path("var/certs")
CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
CLIENT_CERT, CLIENT_KEY = "client.pem", "client-key.pem"
DEFAULT_CLIENT_NAME = "connectedcar-client"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
CA_DAYS = 3650
LEAF_DAYS = 365
# Certificates start a few minutes in the past, so that a client whose clock is a little behind accepts them.
_BACKDATE = timedelta(minutes=5)


class CertificateError(Exception):
    """An existing CA in the directory that cannot be used (unreadable, incomplete or not a CA)."""


@dataclass(frozen=True)
class Issued:
    directory: Path
    ca_reused: bool
    client_name: str
    server_names: tuple[str, ...]

    def path(self, name: str) -> Path:
        return self.directory / name


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write atomically (a temporary file, then a rename) with `mode` from the start: a key is never readable
    by others, not even for a moment."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, mode)  # the umask may have taken bits away from a certificate's 644
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _write(path, pem, 0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    _write(path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "connectedcar"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _new_ca(now: datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _new_key()
    name = _name(f"connectedcar local CA {secrets.token_hex(4)}")
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _load_ca(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None:
    """The CA already in the directory, or None when there is none; a half or broken one is an error."""
    cert_path, key_path = directory / CA_CERT, directory / CA_KEY
    if not cert_path.exists() and not key_path.exists():
        return None
    if not (cert_path.exists() and key_path.exists()):
        missing = CA_KEY if cert_path.exists() else CA_CERT
        raise CertificateError(f"{directory} has a CA without its {missing}: restore it, or remove the other file")
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CertificateError(f"cannot read the CA in {directory}: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertificateError(f"{key_path} is not an ECDSA key")
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise CertificateError(f"{key_path} is not the key of {cert_path}")
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise CertificateError(f"{cert_path} is not a CA certificate")
    return key, cert


def _spki(key: CertificatePublicKeyTypes) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _san(names: Sequence[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _leaf(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    common_name: str,
    usage: x509.ObjectIdentifier,
    now: datetime,
    names: Sequence[str] = (),
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _new_key()
    not_after = min(now + timedelta(days=LEAF_DAYS), ca_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if names:
        builder = builder.add_extension(_san(names), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def issue(
    directory: Path,
    hostnames: Sequence[str] = (),
    client_name: str = DEFAULT_CLIENT_NAME,
    now: datetime | None = None,
) -> Issued:
    """Create (or reuse) the CA in `directory`, then issue a server certificate for the loopback names and
    `hostnames`, and a client certificate whose common name is `client_name`."""
    now = now or datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    found = _load_ca(directory)
    if found is None:
        ca_key, ca_cert = _new_ca(now)
        _write_key(directory / CA_KEY, ca_key)
        _write_cert(directory / CA_CERT, ca_cert)
    else:
        ca_key, ca_cert = found
    names = tuple(dict.fromkeys([*LOOPBACK_NAMES, *(h.strip() for h in hostnames if h.strip())]))
    extra = [n for n in names if n not in LOOPBACK_NAMES]
    server_key, server_cert = _leaf(
        ca_key, ca_cert, extra[0] if extra else "localhost", ExtendedKeyUsageOID.SERVER_AUTH, now, names
    )
    _write_key(directory / SERVER_KEY, server_key)
    _write_cert(directory / SERVER_CERT, server_cert)
    client_key, client_cert = _leaf(ca_key, ca_cert, client_name, ExtendedKeyUsageOID.CLIENT_AUTH, now)
    _write_key(directory / CLIENT_KEY, client_key)
    _write_cert(directory / CLIENT_CERT, client_cert)
    return Issued(directory=directory, ca_reused=found is not None, client_name=client_name, server_names=names)


def command(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to write the PEM files (the CA there is reused).")
    ] = DEFAULT_DIR,
    hostname: Annotated[
        list[str] | None,
        typer.Option(
            "--hostname", help="Another DNS name or IP address of the server (repeatable); loopback is always in."
        ),
    ] = None,
    fleet: Annotated[
        str | None,
        typer.Option(help="Fleet id: the client certificate's common name (and its client_id in the printed curl)."),
    ] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="SQLAlchemy URL, to look up --fleet (default: the usual).")
    ] = None,
) -> None:
    """Issue a local CA, a server and a client certificate for mutual TLS; print the files and a curl."""
    client_id, username = "<client_id>", "<username>"
    if fleet:
        with admin.opened(database) as rt, rt.store.transaction() as conn:
            found = fleets.fleet_by_id(conn, fleet)
        if found is None:
            admin.fail(f"no fleet with id {fleet!r} (connectedcar admin fleet list)")
        client_id, username = found.client_id, found.username
    try:
        issued = issue(directory, hostname or (), client_name=fleet or DEFAULT_CLIENT_NAME)
    except CertificateError as exc:
        admin.fail(str(exc))
    except OSError as exc:
        admin.fail(f"cannot write certificates into {directory}: {exc.strerror or exc}")
    path = issued.path
    rows = [
        ("ca", f"{path(CA_CERT)}  ({'reused' if issued.ca_reused else 'new'}; key {path(CA_KEY)}, mode 600)"),
        ("server", f"{path(SERVER_CERT)}  (key {path(SERVER_KEY)}; names {', '.join(issued.server_names)})"),
        ("client", f"{path(CLIENT_CERT)}  (key {path(CLIENT_KEY)}; CN {issued.client_name})"),
    ]
    for key, value in rows:
        typer.echo(f"{key + ':':<8} {value}")
    typer.echo("")
    typer.echo("# Serve the API over mutual TLS:")
    typer.echo(
        f"connectedcar serve --port 8443 --tls-cert {path(SERVER_CERT)} --tls-key {path(SERVER_KEY)} "
        f"--tls-client-ca {path(CA_CERT)}"
    )
    typer.echo("# Call it as seed 001 does (the password is the one `admin fleet create` printed):")
    typer.echo(
        f"curl --cert {path(CLIENT_CERT)} --key {path(CLIENT_KEY)} --cacert {path(CA_CERT)} "
        f"-u '{username}:<password>' -H 'Accept: application/hal+json' "
        f"'https://127.0.0.1:8443/connectedcar/v3/fleets?client_id={client_id}'"
    )
