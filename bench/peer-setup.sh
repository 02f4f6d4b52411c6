#!/bin/sh
# The peer of benchmark P1: the same keystore directory made the way a user would with the
# command-line tools: openssl for keys, certificates and the PKCS#12 keystores, and one
# `keytool -importcert` for the Java truststore. Usage: peer-setup.sh DIR (password in $PW).
set -eu
dir=$1
rm -rf "$dir"
mkdir -p "$dir/local_ca" "$dir/localhost"
cd "$dir"
dn="/C=CZ/ST=Prague/L=Prague/O=Zowe Sample/OU=API Mediation Layer"
openssl genrsa -out local_ca/localca.key 2048 2>/dev/null
openssl req -x509 -new -key local_ca/localca.key -sha256 -days 3650 -subj "$dn/CN=Zowe Development Instances Certificate Authority" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out local_ca/localca.cer
openssl pkcs12 -export -inkey local_ca/localca.key -in local_ca/localca.cer -name localca -out local_ca/localca.keystore.p12 -passout env:PW
openssl genrsa -out localhost/localhost.keystore.key 2048 2>/dev/null
openssl req -new -key localhost/localhost.keystore.key -subj "$dn/CN=Zowe Service" -out localhost/localhost.csr
cat > localhost/ext.cnf <<CNF
subjectAltName=DNS:localhost.localdomain,DNS:localhost,IP:127.0.0.1
keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
openssl x509 -req -in localhost/localhost.csr -CA local_ca/localca.cer -CAkey local_ca/localca.key -CAcreateserial -sha256 -days 3650 \
  -extfile localhost/ext.cnf -out localhost/localhost.keystore.cer 2>/dev/null
cp localhost/localhost.keystore.cer localhost/localhost.keystore.cer-ebcdic
openssl genrsa -out localhost/jwtsecret.key 2048 2>/dev/null
openssl pkey -in localhost/jwtsecret.key -pubout -out localhost/localhost.keystore.jwtsecret.pem
openssl pkcs12 -export -inkey localhost/localhost.keystore.key -in localhost/localhost.keystore.cer -certfile local_ca/localca.cer \
  -name localhost -out localhost/localhost.keystore.p12 -passout env:PW
keytool -importcert -noprompt -alias localca -file local_ca/localca.cer -storetype PKCS12 \
  -keystore localhost/localhost.truststore.p12 -storepass:env PW >/dev/null 2>&1
