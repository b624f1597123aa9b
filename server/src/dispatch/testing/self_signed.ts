// A self-signed certificate for 127.0.0.1/localhost (valid until 2126), made for the TLS tests with:
// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost \
//     -addext subjectAltName=DNS:localhost,IP:127.0.0.1
// It protects nothing: tests only.
export const selfSignedCert = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIULGWMHGopKCbQaVFR+eCx8olKNCgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjIwNDM0N1oYDzIxMjYxMDI5
MjA0MzQ3WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATkVJoZaF478tn3Y9A/vbxJK4LLDHBzfxPAXKWT12njX5pJSP99sK9x
UhB6qUsqugd3pL5qEFKX2Eqd5gbVx5xCo28wbTAdBgNVHQ4EFgQU2ptVrkL1pSDM
4fPTFE5p5yYS+d8wHwYDVR0jBBgwFoAU2ptVrkL1pSDM4fPTFE5p5yYS+d8wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAL4cNHP+8O45FDSpWMrO8fl+YxgDTVOM4rupt0e6DiWSAiEA
4xUDYFsO117epm7xmMImgyyW6CQCPXNrHjVCQHiDN1I=
-----END CERTIFICATE-----
`;
export const selfSignedKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgW4XUBX03uhjv7Qag
t6Jj5tDuyFCsHhP9WYU5Lcs7kGehRANCAATkVJoZaF478tn3Y9A/vbxJK4LLDHBz
fxPAXKWT12njX5pJSP99sK9xUhB6qUsqugd3pL5qEFKX2Eqd5gbVx5xC
-----END PRIVATE KEY-----
`;
