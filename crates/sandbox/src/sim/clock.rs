//! The sandbox clock with a time scale. Simulated delays (readiness, crash back-off, Job durations,
//! `minReadySeconds`) are written in *sandbox* time; with `time_scale: 10` a 2 s readiness delay takes
//! 200 ms of real time, and the store's clock (timestamps such as `creationTimestamp` and condition
//! `lastTransitionTime`) runs ten times faster than the wall clock, so the two stay consistent.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::meta::Clock;

/// Converts between sandbox time and real time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimClock {
    scale: f64,
}

impl SimClock {
    /// A clock running `scale` times faster than real time (a non-positive or non-finite scale is 1).
    pub fn new(scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        SimClock { scale }
    }

    /// The time scale.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The real time a sandbox-time delay takes.
    pub fn to_real(&self, sim: Duration) -> Duration {
        Duration::from_secs_f64(sim.as_secs_f64() / self.scale)
    }

    /// The sandbox time that passes during a real-time interval.
    pub fn to_sim(&self, real: Duration) -> Duration {
        Duration::from_secs_f64(real.as_secs_f64() * self.scale)
    }

    /// A store clock: the wall clock at creation, then advancing `scale` times faster.
    pub fn timestamp_clock(&self) -> Clock {
        let origin = Instant::now();
        let origin_ts = jiff::Timestamp::now();
        let scale = self.scale;
        Arc::new(move || {
            let elapsed = origin.elapsed().as_secs_f64() * scale;
            let span = jiff::SignedDuration::try_from_secs_f64(elapsed).unwrap_or(jiff::SignedDuration::ZERO);
            origin_ts.checked_add(span).unwrap_or(origin_ts)
        })
    }
}

impl Default for SimClock {
    fn default() -> Self {
        SimClock::new(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_converts_both_ways() {
        let c = SimClock::new(10.0);
        assert_eq!(c.to_real(Duration::from_secs(2)), Duration::from_millis(200));
        assert_eq!(c.to_sim(Duration::from_millis(200)), Duration::from_secs(2));
        assert_eq!(SimClock::new(0.0).scale(), 1.0);
        assert_eq!(SimClock::new(f64::NAN).scale(), 1.0);
    }

    #[test]
    fn scaled_timestamps_run_faster() {
        let clock = SimClock::new(1000.0).timestamp_clock();
        let a = clock();
        let start = Instant::now();
        // Busy-wait a few real milliseconds (no synchronisation involved: this only measures the clock).
        while start.elapsed() < Duration::from_millis(5) {
            std::hint::spin_loop();
        }
        let b = clock();
        assert!(b.as_millisecond() - a.as_millisecond() >= 4000, "{a} -> {b}");
    }
}
