//! Signatures of the event's QR codes (Ed25519; keys and signatures as lowercase hex). Pure: the
//! caller brings the key bytes; nothing here reads a file or a random source.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

/// The public key of a 32-byte Ed25519 secret, as published in the manifest.
pub fn public_key_hex(secret: &[u8; 32]) -> String {
    hex(SigningKey::from_bytes(secret).verifying_key().as_bytes())
}

/// The signature of `message`, as a QR code carries it.
pub fn sign(secret: &[u8; 32], message: &str) -> String {
    hex(&SigningKey::from_bytes(secret).sign(message.as_bytes()).to_bytes())
}

/// Whether `signature` is `public_key`'s signature of `message`. Malformed input is simply false.
pub fn verify(public_key: &str, message: &str, signature: &str) -> bool {
    let (Some(key), Some(sig)) = (unhex::<32>(public_key), unhex::<64>(signature)) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
    key.verify(message.as_bytes(), &Signature::from_bytes(&sig)).is_ok()
}

/// A secret key from its hex form (as a backend stores it).
pub fn secret_from_hex(text: &str) -> Option<[u8; 32]> {
    unhex::<32>(text)
}

/// The hex form of a secret key.
pub fn secret_to_hex(secret: &[u8; 32]) -> String {
    hex(secret)
}
