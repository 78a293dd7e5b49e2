//! The privacy rule, as a type: a figure about people is made only from the set of distinct
//! people behind it, and is withheld when they are fewer than [`MIN_PEOPLE`]. Nothing else in
//! the analytics can make a figure, so nothing else can show or export a smaller group.

use std::collections::HashSet;

/// Fewest distinct people a figure may come from (k-anonymity, k = 5).
pub const MIN_PEOPLE: usize = 5;

/// One person, as the analytics know them: an index, never their id, name or code.
pub type Person = u32;

/// A figure about people, or the fact that it is withheld.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Guarded<T> {
    Shown {
        /// How many distinct people it comes from (at least [`MIN_PEOPLE`]).
        people: usize,
        value: T,
    },
    /// Fewer than [`MIN_PEOPLE`] people: neither the value nor how many is told.
    Withheld,
}

impl<T> Guarded<T> {
    /// The figure `value` that `people` make, if they are enough.
    pub fn of(people: &HashSet<Person>, value: T) -> Guarded<T> {
        if people.len() >= MIN_PEOPLE {
            Guarded::Shown { people: people.len(), value }
        } else {
            Guarded::Withheld
        }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Guarded::Shown { value, .. } => Some(value),
            Guarded::Withheld => None,
        }
    }

    pub fn people(&self) -> Option<usize> {
        match self {
            Guarded::Shown { people, .. } => Some(*people),
            Guarded::Withheld => None,
        }
    }
}

/// How many distinct people: a count that is itself a figure.
pub fn head_count(people: &HashSet<Person>) -> Guarded<usize> {
    Guarded::of(people, people.len())
}

/// The share of `part` in `whole` (0–100), shown only when both the part and the rest are
/// enough people: "2 of 40 left early" would point at two people.
pub fn share(part: &HashSet<Person>, whole: &HashSet<Person>) -> Guarded<u32> {
    let rest: HashSet<Person> = whole.difference(part).copied().collect();
    if part.len() < MIN_PEOPLE || rest.len() < MIN_PEOPLE {
        return Guarded::Withheld;
    }
    Guarded::of(whole, ((part.len() * 100 + whole.len() / 2) / whole.len()) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(n: u32) -> HashSet<Person> {
        (0..n).collect()
    }

    #[test]
    fn four_people_make_no_figure_and_five_do() {
        assert_eq!(head_count(&people(4)), Guarded::Withheld);
        assert_eq!(head_count(&people(5)), Guarded::Shown { people: 5, value: 5 });
        assert_eq!(head_count(&HashSet::new()), Guarded::Withheld);
    }

    #[test]
    fn a_share_needs_enough_people_on_both_sides() {
        let whole = people(20);
        assert_eq!(share(&people(4), &whole), Guarded::Withheld, "four who left would be named");
        assert_eq!(share(&people(16), &whole), Guarded::Withheld, "four who stayed would be named");
        assert_eq!(share(&people(10), &whole), Guarded::Shown { people: 20, value: 50 });
    }
}
