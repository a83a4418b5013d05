#!/bin/sh
set -e
if [ ! -s /etc/ssl/xo/certificate.pem ] || [ ! -s /etc/ssl/xo/key.pem ]; then
  mkdir -p "$(dirname /etc/ssl/xo/certificate.pem)" "$(dirname /etc/ssl/xo/key.pem)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=xo" \
    -addext "subjectAltName=DNS:xo" -keyout /etc/ssl/xo/key.pem -out /etc/ssl/xo/certificate.pem
  chmod 600 /etc/ssl/xo/key.pem
fi
