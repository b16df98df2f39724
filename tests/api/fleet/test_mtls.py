"""Mutual TLS, as seed 001's curl does it: `connectedcar admin certs` issues a CA, a server and a client
certificate; a real uvicorn server over TLS requires a client certificate signed by that CA, on top of
the fleet's Basic credentials and client_id."""

from __future__ import annotations

import ssl
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from typer.testing import CliRunner, Result

from connectedcar import certs
from connectedcar.api.app import create_app
from connectedcar.cli import app
from connectedcar.config import Settings
from connectedcar.runtime import Runtime
from connectedcar.server import tls_options, tls_problem
from tests.support import FleetAccount, free_port

V3 = "/connectedcar/v3"


def issue(directory: Path, *args: str) -> Result:
    result = CliRunner().invoke(app, ["admin", "certs", "--dir", str(directory), *args])
    assert result.exit_code == 0, result.output
    return result


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@dataclass
class TlsServer:
    url: str
    directory: Path

    def client(self, cert_dir: Path | None = None, *, tls12: bool = False) -> httpx.Client:
        """A client that verifies the server against the generated ca.pem, presenting the client
        certificate of `cert_dir` (none when None)."""
        context = ssl.create_default_context(cafile=str(self.directory / certs.CA_CERT))
        if tls12:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        if cert_dir is not None:
            context.load_cert_chain(cert_dir / certs.CLIENT_CERT, cert_dir / certs.CLIENT_KEY)
        return httpx.Client(base_url=self.url, verify=context, timeout=10)


@pytest.fixture(scope="module")
def cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("certs")
    issue(directory)
    return directory


@contextmanager
def serving(runtime: Runtime, settings: Settings) -> Iterator[str]:
    """The app served by uvicorn with the settings' TLS options, in a thread; yields its https URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="off", **tls_options(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def tls_settings(directory: Path, *, client_ca: bool = True) -> Settings:
    return Settings(
        tls_cert_file=str(directory / certs.SERVER_CERT),
        tls_key_file=str(directory / certs.SERVER_KEY),
        tls_client_ca_file=str(directory / certs.CA_CERT) if client_ca else "",
    )


@pytest.fixture(scope="module")
def mtls(runtime: Runtime, cert_dir: Path) -> Iterator[TlsServer]:
    settings = tls_settings(cert_dir)
    assert tls_problem(settings) is None
    with serving(runtime, settings) as url:
        yield TlsServer(url, cert_dir)


def fleets(client: httpx.Client, owner: FleetAccount) -> httpx.Response:
    return client.get(
        f"{V3}/fleets",
        params={"client_id": owner.fleet.client_id},
        auth=owner.auth,
        headers={"Accept": "application/hal+json"},
    )


# -- the seed's call over mutual TLS ---------------------------------------------------------------


def test_client_certificate_basic_and_client_id_reach_the_fleet_api(mtls: TlsServer, owner: FleetAccount) -> None:
    with mtls.client(mtls.directory) as client:
        response = fleets(client, owner)
        vehicles = client.get(
            f"{V3}/fleets/{owner.fleet.id}/vehicles", params={"client_id": owner.fleet.client_id}, auth=owner.auth
        )
    assert response.status_code == 200, response.text
    assert [f["id"] for f in response.json()["_embedded"]["fleets"]] == [owner.fleet.id]
    assert vehicles.status_code == 200, vehicles.text


def test_basic_credentials_are_still_checked_over_mutual_tls(mtls: TlsServer, owner: FleetAccount) -> None:
    with mtls.client(mtls.directory) as client:
        wrong_password = client.get(
            f"{V3}/fleets", params={"client_id": owner.fleet.client_id}, auth=(owner.fleet.username, "nope")
        )
        no_client_id = client.get(f"{V3}/fleets", auth=owner.auth)
    assert wrong_password.status_code == 401
    assert no_client_id.status_code == 401


def test_no_client_certificate_fails_the_handshake(mtls: TlsServer, owner: FleetAccount) -> None:
    # TLS 1.2: the server refuses during the handshake itself.
    with mtls.client(None, tls12=True) as client, pytest.raises(httpx.ConnectError):
        fleets(client, owner)
    # TLS 1.3: the server checks the certificate after the client's Finished; the request still gets nothing.
    with mtls.client(None) as client, pytest.raises(httpx.TransportError):
        fleets(client, owner)


def test_a_client_certificate_of_another_ca_is_refused(mtls: TlsServer, owner: FleetAccount, tmp_path: Path) -> None:
    other = tmp_path / "other"
    issue(other)
    assert (other / certs.CA_CERT).read_bytes() != (mtls.directory / certs.CA_CERT).read_bytes()
    with mtls.client(other, tls12=True) as client, pytest.raises(httpx.ConnectError):
        fleets(client, owner)
    with mtls.client(other) as client, pytest.raises(httpx.TransportError):
        fleets(client, owner)


def test_tls_without_client_ca_asks_for_no_certificate(runtime: Runtime, cert_dir: Path, owner: FleetAccount) -> None:
    with serving(runtime, tls_settings(cert_dir, client_ca=False)) as url:
        server = TlsServer(url, cert_dir)
        with server.client(None) as client:
            assert fleets(client, owner).status_code == 200
        # And a client that does not trust the local CA does not trust the server.
        with httpx.Client(base_url=url, timeout=10) as untrusting, pytest.raises(httpx.ConnectError):
            fleets(untrusting, owner)


# -- the certificates ------------------------------------------------------------------------------


def test_certs_writes_private_keys_mode_600_and_reuses_the_ca(tmp_path: Path) -> None:
    directory = tmp_path / "certs"
    first = issue(directory, "--hostname", "fleet.example.test")
    assert "(new;" in first.stdout
    for key in (certs.CA_KEY, certs.SERVER_KEY, certs.CLIENT_KEY):
        assert stat.S_IMODE((directory / key).stat().st_mode) == 0o600, key
    ca, ca_key = (directory / certs.CA_CERT).read_bytes(), (directory / certs.CA_KEY).read_bytes()
    server = (directory / certs.SERVER_CERT).read_bytes()

    second = issue(directory)
    assert "(reused;" in second.stdout
    assert (directory / certs.CA_CERT).read_bytes() == ca
    assert (directory / certs.CA_KEY).read_bytes() == ca_key
    assert (directory / certs.SERVER_CERT).read_bytes() != server  # leaves are issued afresh
    for key in (certs.CA_KEY, certs.SERVER_KEY, certs.CLIENT_KEY):
        assert stat.S_IMODE((directory / key).stat().st_mode) == 0o600, key
    authority = load(directory / certs.CA_CERT)
    for leaf in (certs.SERVER_CERT, certs.CLIENT_CERT):
        load(directory / leaf).verify_directly_issued_by(authority)


def test_certificates_have_the_names_usages_and_lifetimes_asked_for(tmp_path: Path) -> None:
    issue(tmp_path, "--hostname", "fleet.example.test", "--hostname", "10.1.2.3")
    ca, server, client = (load(tmp_path / n) for n in (certs.CA_CERT, certs.SERVER_CERT, certs.CLIENT_CERT))

    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert 3649 <= (ca.not_valid_after_utc - ca.not_valid_before_utc).days <= 3651

    for leaf, usage in ((server, ExtendedKeyUsageOID.SERVER_AUTH), (client, ExtendedKeyUsageOID.CLIENT_AUTH)):
        assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert list(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [usage]
        assert 364 <= (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days <= 366
        assert leaf.signature_hash_algorithm is not None and leaf.signature_hash_algorithm.name == "sha256"
        public = leaf.public_key()
        assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"

    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost", "fleet.example.test"}
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1", "10.1.2.3"}
    assert client.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == certs.DEFAULT_CLIENT_NAME


def test_fleet_option_names_the_client_and_prints_the_seeds_curl(
    runtime: Runtime, owner: FleetAccount, tmp_path: Path
) -> None:
    result = issue(tmp_path, "--fleet", owner.fleet.id, "--database", runtime.settings.database_url)
    client = load(tmp_path / certs.CLIENT_CERT)
    assert client.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == owner.fleet.id
    curl = next(line for line in result.stdout.splitlines() if line.startswith("curl "))
    assert f"--cert {tmp_path / certs.CLIENT_CERT} --key {tmp_path / certs.CLIENT_KEY}" in curl
    assert f"--cacert {tmp_path / certs.CA_CERT}" in curl
    assert f"-u '{owner.fleet.username}:<password>'" in curl
    assert f"'https://127.0.0.1:8443/connectedcar/v3/fleets?client_id={owner.fleet.client_id}'" in curl


def test_unknown_fleet_and_half_a_ca_are_errors(runtime: Runtime, tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(
        app, ["admin", "certs", "--dir", str(tmp_path), "--fleet", "nope", "--database", runtime.settings.database_url]
    )
    assert unknown.exit_code == 1 and "no fleet with id 'nope'" in unknown.stderr
    assert not (tmp_path / certs.CA_CERT).exists()
    issue(tmp_path)
    (tmp_path / certs.CA_KEY).unlink()
    half = runner.invoke(app, ["admin", "certs", "--dir", str(tmp_path)])
    assert half.exit_code == 1 and "without its ca-key.pem" in half.stderr


# -- settings and serve ----------------------------------------------------------------------------


def test_tls_options_follow_the_settings(cert_dir: Path) -> None:
    assert tls_options(Settings()) == {}
    assert Settings().base_url().startswith("http://")
    one_way = tls_options(tls_settings(cert_dir, client_ca=False))
    assert set(one_way) == {"ssl_certfile", "ssl_keyfile"}
    mutual = tls_settings(cert_dir)
    assert tls_options(mutual)["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert tls_options(mutual)["ssl_ca_certs"] == str(cert_dir / certs.CA_CERT)
    assert mutual.base_url() == "https://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--tls-cert", "{dir}/server.pem"], "needs both a certificate and its key"),
        (["--tls-client-ca", "{dir}/ca.pem"], "a client CA (--tls-client-ca) needs TLS"),
        (["--tls-cert", "{dir}/server.pem", "--tls-key", "{dir}/client-key.pem"], "cannot use the TLS certificate"),
        (
            ["--tls-cert", "{dir}/server.pem", "--tls-key", "{dir}/server-key.pem", "--tls-client-ca", "{dir}/x.pem"],
            "cannot use the client CA",
        ),
    ],
)
def test_serve_refuses_unusable_tls_settings(cert_dir: Path, options: list[str], message: str) -> None:
    args = [o.format(dir=cert_dir) for o in options]
    result = CliRunner().invoke(app, ["serve", *args, "--database", "sqlite:///:memory:"])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
