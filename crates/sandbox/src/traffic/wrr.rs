//! Smooth weighted round-robin (the algorithm nginx uses for weighted upstreams): deterministic, and
//! over any run of `sum(weights)` consecutive picks each choice is picked exactly `weight` times, so
//! traffic splits in tests are exact rather than statistical.

/// The state of one weighted choice.
#[derive(Debug, Clone, Default)]
pub struct SmoothWrr {
    weights: Vec<u32>,
    current: Vec<i64>,
}

impl SmoothWrr {
    /// Picks the next index for `weights` (state resets when the weights change). None when every
    /// weight is 0.
    pub fn pick(&mut self, weights: &[u32]) -> Option<usize> {
        if self.weights != weights {
            self.weights = weights.to_vec();
            self.current = vec![0; weights.len()];
        }
        let total: i64 = weights.iter().map(|w| i64::from(*w)).sum();
        if total == 0 {
            return None;
        }
        let mut best = 0;
        for (i, w) in weights.iter().enumerate() {
            self.current[i] += i64::from(*w);
            if self.current[i] > self.current[best] {
                best = i;
            }
        }
        self.current[best] -= total;
        Some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_exact_over_a_cycle_and_interleaved() {
        let mut w = SmoothWrr::default();
        let picks: Vec<usize> = (0..7).filter_map(|_| w.pick(&[5, 1, 1])).collect();
        assert_eq!(picks, [0, 0, 1, 0, 2, 0, 0]);
        let mut counts = [0; 2];
        for _ in 0..1000 {
            counts[w.pick(&[80, 20]).unwrap()] += 1;
        }
        assert_eq!(counts, [800, 200]);
        assert_eq!(w.pick(&[0, 0]), None);
        assert_eq!(w.pick(&[0, 3]), Some(1));
    }
}
