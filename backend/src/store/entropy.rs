//! Where the store's random bits come from: the operating system, or, while a replica applies a
//! command from the shared log (`postgres`), a stream drawn from that command's seed — so every
//! instance that applies the command makes the same token, badge code or reward code.

use std::cell::RefCell;

use sha2::{Digest, Sha256};

use super::StoreError;

thread_local! {
    /// The seed and how many blocks were drawn from it, while a command is applied.
    static SEEDED: RefCell<Option<([u8; 32], u64)>> = const { RefCell::new(None) };
}

/// Fills `bytes` with random bits: from the seed in force on this thread, else the system's.
pub fn fill(bytes: &mut [u8]) -> Result<(), StoreError> {
    let drawn = SEEDED.with(|s| {
        let mut s = s.borrow_mut();
        let (seed, counter) = s.as_mut()?;
        for chunk in bytes.chunks_mut(32) {
            let block = Sha256::new().chain_update(*seed).chain_update(counter.to_le_bytes()).finalize();
            *counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Some(())
    });
    match drawn {
        Some(()) => Ok(()),
        None => getrandom::fill(bytes)
            .map_err(|e| StoreError::Damaged { what: "random source".into(), detail: e.to_string() }),
    }
}

/// A fresh seed from the system, for a command about to be logged.
pub fn new_seed() -> Result<[u8; 32], StoreError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| StoreError::Damaged { what: "random source".into(), detail: e.to_string() })?;
    Ok(seed)
}

/// Runs `f` with this thread's random bits drawn from `seed` (the previous source is back after).
pub fn seeded<T>(seed: [u8; 32], f: impl FnOnce() -> T) -> T {
    struct Restore(Option<([u8; 32], u64)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SEEDED.with(|s| *s.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(SEEDED.with(|s| s.borrow_mut().replace((seed, 0))));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_draws_the_same_bits_and_the_system_does_not() {
        let draw = || {
            let mut a = [0u8; 40];
            fill(&mut a).expect("bits");
            a
        };
        let (one, two) = (seeded([7; 32], draw), seeded([7; 32], draw));
        assert_eq!(one, two);
        assert_ne!(seeded([8; 32], draw), one);
        assert_ne!(draw(), draw(), "outside a seed the system's bits");
        let (first, second) = seeded([7; 32], || (draw(), draw()));
        assert_ne!(first, second, "one seed is a stream, not one value repeated");
    }
}
