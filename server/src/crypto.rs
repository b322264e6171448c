//! Encryption at rest of reporters' identity fields (name, phone, e-mail): XChaCha20-Poly1305
//! with the data key from the settings, a fresh random nonce per value. A value is stored as
//! `v1:` + base64url(nonce ‖ ciphertext), so a later key or algorithm can sit beside it.

use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct DataKey(XChaCha20Poly1305);

impl DataKey {
    /// A key of exactly 32 bytes, given as base64 (standard or URL-safe).
    pub fn from_base64(text: &str) -> anyhow::Result<DataKey> {
        let text = text.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text))
            .map_err(|_| anyhow::anyhow!("the data key is not base64"))?;
        if bytes.len() != 32 {
            anyhow::bail!("the data key must be 32 bytes (got {})", bytes.len());
        }
        Ok(DataKey(XChaCha20Poly1305::new_from_slice(&bytes)?))
    }

    /// A new random key, base64url: for a first start without a configured key.
    pub fn generate_base64() -> String {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
    }

    pub fn encrypt(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, plain.as_bytes())
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory data");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
        )
    }

    /// `None` when the value was not made with this key or was altered.
    pub fn decrypt(&self, stored: &str) -> Option<String> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(stored.strip_prefix(PREFIX)?)
            .ok()?;
        if raw.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let plain = self.0.decrypt(XNonce::from_slice(nonce), sealed).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering_or_another_key() {
        let key = DataKey::from_base64(&DataKey::generate_base64()).unwrap();
        let stored = key.encrypt("Nguyễn Văn An");
        assert!(!stored.contains("Nguyễn"));
        assert_ne!(stored, key.encrypt("Nguyễn Văn An"), "nonces must differ");
        assert_eq!(key.decrypt(&stored).as_deref(), Some("Nguyễn Văn An"));
        let mut bytes = stored.into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(key.decrypt(&String::from_utf8(bytes).unwrap()), None);
        let other = DataKey::from_base64(&DataKey::generate_base64()).unwrap();
        assert_eq!(other.decrypt(&key.encrypt("x")), None);
    }

    #[test]
    fn a_short_key_is_refused() {
        assert!(DataKey::from_base64("c2hvcnQ=").is_err());
    }
}
