#!/bin/sh
# A certificate chain shaped like a public CA's, for serving a feed over
# https on loopback (the CLI's TLS test and the ladder bench) or for a
# publisher testing behind a private CA (`canhgiac sync --extra-root-cert`).
#
# Shaped like Let's Encrypt's ECDSA chain: a root (ECDSA P-384, as ISRG
# Root X2) signs an intermediate (P-384, as E5-E9), which signs a 90-day
# ECDSA P-256 leaf carrying what a public leaf carries (SAN, EKU, AIA,
# CRL distribution point, the CA/B policy, and two SCTs' worth of
# embedded-SCT bytes, opaque here), so the handshake's size is a real one.
#
# Usage: make-chain.sh DIR [NAME...]  (names for the leaf's SAN; default
# localhost and 127.0.0.1). Writes DIR/root.pem (what a client trusts),
# DIR/chain.pem (leaf then intermediate: what the server sends) and
# DIR/leaf.key. Test keys only: never use these for a real feed.
set -eu
dir=$1
shift
[ $# -gt 0 ] || set -- localhost 127.0.0.1
san=""
for n in "$@"; do
    case $n in
    *[!0-9.]*) san="$san,DNS:$n" ;;
    *) san="$san,IP:$n" ;;
    esac
done
san=${san#,}
mkdir -p "$dir"
cd "$dir"
ca_ext="basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash"

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
    -keyout root.key -out root.pem -days 3650 -sha384 \
    -subj "/C=VN/O=Canh Giac Test/CN=Canh Giac Test Root X2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
    -keyout int.key -out int.csr -subj "/C=VN/O=Canh Giac Test/CN=E7" 2>/dev/null
printf '%s\nbasicConstraints=critical,CA:TRUE,pathlen:0\nextendedKeyUsage=serverAuth,clientAuth\nauthorityKeyIdentifier=keyid:always\nauthorityInfoAccess=caIssuers;URI:http://x2.i.lencr.example/\ncrlDistributionPoints=URI:http://x2.c.lencr.example/\ncertificatePolicies=2.23.140.1.2.1\n' \
    "$ca_ext" >int.ext
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial \
    -out int.pem -days 1095 -sha384 -extfile int.ext 2>/dev/null

# Two SCTs are about 240 bytes in a public leaf: an OCTET STRING holding
# the TLS-encoded list (2-byte length, then the SCTs), opaque to clients
# that do not check CT, as rustls does not.
scts="0481f200f0$(openssl rand -hex 240)"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout leaf.key -out leaf.csr -subj "/CN=$1" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\nsubjectAltName=%s\nauthorityInfoAccess=caIssuers;URI:http://e7.i.lencr.example/\ncrlDistributionPoints=URI:http://e7.c.lencr.example/42.crl\ncertificatePolicies=2.23.140.1.2.1\n1.3.6.1.4.1.11129.2.4.2=DER:%s\n' \
    "$san" "$scts" >leaf.ext
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial \
    -out leaf.pem -days 90 -sha384 -extfile leaf.ext 2>/dev/null

cat leaf.pem int.pem >chain.pem
rm -f int.csr leaf.csr int.ext leaf.ext ./*.srl
