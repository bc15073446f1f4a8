package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sync"
	"time"
)

// signingKey is the RSA key that signs the emulator's access tokens (RS256, as
// WorkOS signs them) and that GET /sso/jwks/{clientId} publishes, so clients and
// SDKs verify tokens as they would against WorkOS. It is made on first use, once
// per process (RSA generation takes tens of milliseconds, too long for every
// emulator a test builds), and never changes after; a restarted emulator has a
// new key, so tokens from before a restart no longer verify.
var signingKey = sync.OnceValue(newSigningKey)

// jwtKey is a signing key with its published form.
type jwtKey struct {
	key *rsa.PrivateKey
	kid string
	jwk map[string]any
}

func newSigningKey() *jwtKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("emulator: generate the token signing key: " + err.Error())
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kosmo-lua emulator"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).AddDate(200, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic("emulator: self-sign the token signing key: " + err.Error())
	}
	thumb := sha256.Sum256(der)
	enc := base64.RawURLEncoding
	kid := "key_emulator_" + enc.EncodeToString(thumb[:9])
	return &jwtKey{key: k, kid: kid, jwk: map[string]any{
		"alg": "RS256", "kty": "RSA", "use": "sig", "kid": kid,
		"n": enc.EncodeToString(k.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
		"x5c": []any{base64.StdEncoding.EncodeToString(der)}, "x5t#S256": enc.EncodeToString(thumb[:]),
	}}
}

// jwt builds an RS256 token signed with signingKey.
func jwt(claims map[string]any) string {
	k := signingKey()
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.kid})
	p, _ := json.Marshal(claims)
	msg := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, k.key, crypto.SHA256, sum[:])
	if err != nil {
		panic("emulator: sign a token: " + err.Error())
	}
	return msg + "." + enc.EncodeToString(sig)
}

// jwksHandlers serve the key set that verifies the emulator's access tokens.
// Every client id gets the same set: the emulator has one environment.
func jwksHandlers() map[string]handler {
	return map[string]handler{
		"sso_json_web_key_set": func(c *call) (any, error) {
			return map[string]any{"keys": []any{clone(signingKey().jwk)}}, nil
		},
	}
}
