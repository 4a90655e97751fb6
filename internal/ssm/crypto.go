package ssm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// SecureString values are sealed with AES-256-GCM under a data key that
// stands in for the KMS key named by KeyId: one random key per (account,
// region, KeyId), kept in the store (table ssm.key) so values survive a
// restart. The stored and returned-undecrypted form is base64(nonce ||
// ciphertext), like the base64 KMS blob AWS returns. The additional data
// binds a ciphertext to its account, region and parameter name, so a value
// copied to another parameter does not decrypt.

const dataKeySize = 32

func newDataKey() ([]byte, error) {
	k := make([]byte, dataKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("ssm: make data key: %w", err)
	}
	return k, nil
}

func seal(key []byte, plaintext, aad string) (string, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("ssm: make nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plaintext), []byte(aad))
	return base64.StdEncoding.EncodeToString(out), nil
}

func open(key []byte, sealed, aad string) (string, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("ssm: decode secure value: %w", err)
	}
	if len(raw) < aead.NonceSize() {
		return "", errors.New("ssm: secure value too short")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("ssm: decrypt secure value: %w", err)
	}
	return string(plain), nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("ssm: data key: %w", err)
	}
	return cipher.NewGCM(block)
}
