#!/usr/bin/env bash
# Regenerates the test certificates in certs/ with the openssl CLI: EC P-256 keys, a CA, a server
# certificate for localhost (and 127.0.0.1, ::1), a client certificate, a second server name for
# SNI tests, a server certificate from another CA, and an expired one. Valid for 100 years (but the
# expired one), so the committed files keep working; run again to replace them all.
set -euo pipefail
cd "$(dirname "$0")/certs"
rm -f ./*.pem ./*.srl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=36500

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() { # name subject
  key "$1-key.pem"
  openssl req -x509 -new -key "$1-key.pem" -subj "/CN=$2" -days "$days" -sha256 \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -out "$1-cert.pem"
}

leaf() { # name subject extensions issuer
  key "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "/CN=$2" -out "$work/$1.csr"
  printf '%s\n' "$3" > "$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$4-cert.pem" -CAkey "$4-key.pem" -CAcreateserial \
    -days "$days" -sha256 -extfile "$work/$1.ext" -out "$1-cert.pem" 2>/dev/null
}

server_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'

ca ca 'wirekit test CA'
# A server certificate that signs itself, as a misconfigured server's would.
key self-signed-key.pem
openssl req -x509 -new -key self-signed-key.pem -subj '/CN=localhost' -days "$days" -sha256 \
  -addext 'basicConstraints=CA:FALSE' -addext 'keyUsage=critical,digitalSignature' \
  -addext 'extendedKeyUsage=serverAuth' -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' \
  -out self-signed-cert.pem
ca other-ca 'wirekit other test CA'
leaf server localhost "$server_ext" ca
leaf alt alt.localhost "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:alt.localhost" ca
leaf client 'wirekit test client' 'basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth' ca
leaf other-server localhost "$server_ext" other-ca

# Expired: valid from 2000-01-01 to 2001-01-01, through `openssl ca`, the one command that takes dates.
key expired-key.pem
openssl req -new -key expired-key.pem -subj '/CN=localhost' -out "$work/expired.csr"
mkdir -p "$work/ca"
touch "$work/ca/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $work/ca
database = $work/ca/index.txt
new_certs_dir = $work/ca
serial = $work/ca/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[server]
$server_ext
CNF
echo 01 > "$work/ca/serial"
openssl ca -batch -config "$work/ca.cnf" -cert ca-cert.pem -keyfile ca-key.pem -extensions server \
  -startdate 20000101000000Z -enddate 20010101000000Z -in "$work/expired.csr" -out "$work/expired.pem" \
  2>/dev/null
openssl x509 -in "$work/expired.pem" -out expired-cert.pem
rm -f ./*.srl
ls
