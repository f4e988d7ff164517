//! What a model costs: US dollars per million input and output tokens, and the arithmetic that
//! turns a run's [`Usage`] into dollars. Where prices come from (the table shipped with the app,
//! the user's own) is the configuration's business.

use serde::{Deserialize, Serialize};
use telltale_protocol::Usage;
use ts_rs::TS;

/// A model's price in US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct Price {
    /// Dollars per million prompt (input) tokens.
    pub input_per_mtok: f64,
    /// Dollars per million answer (output) tokens, reasoning included.
    pub output_per_mtok: f64,
}

const PER: f64 = 1_000_000.0;

impl Price {
    /// What a model on this computer (or the offline demo) costs.
    pub const FREE: Price = Price { input_per_mtok: 0.0, output_per_mtok: 0.0 };

    pub const fn new(input_per_mtok: f64, output_per_mtok: f64) -> Self {
        Price { input_per_mtok, output_per_mtok }
    }

    /// Dollars for `input` prompt tokens and `output` answer tokens.
    pub fn cost(&self, input: u64, output: u64) -> f64 {
        (input as f64 * self.input_per_mtok + output as f64 * self.output_per_mtok) / PER
    }

    /// Dollars for what a provider reported.
    pub fn cost_of(&self, usage: Usage) -> f64 {
        self.cost(u64::from(usage.input_tokens), u64::from(usage.output_tokens))
    }

    /// Whether both figures are finite and not negative (what a price may be).
    pub fn is_valid(&self) -> bool {
        [self.input_per_mtok, self.output_per_mtok].iter().all(|v| v.is_finite() && *v >= 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn a_million_tokens_cost_the_price_and_parts_cost_their_share() {
        let price = Price::new(2.5, 10.0);
        assert!(close(price.cost(1_000_000, 0), 2.5));
        assert!(close(price.cost(0, 1_000_000), 10.0));
        // 1,200 in and 350 out: 0.003 + 0.0035.
        let usage = Usage { input_tokens: 1200, output_tokens: 350 };
        assert!(close(price.cost_of(usage), 0.0065));
        assert!(close(Price::FREE.cost_of(usage), 0.0));
    }

    #[test]
    fn the_largest_usage_does_not_overflow() {
        let usage = Usage { input_tokens: u32::MAX, output_tokens: u32::MAX };
        let cost = Price::new(15.0, 75.0).cost_of(usage);
        assert!(close(cost, f64::from(u32::MAX) * 90.0 / 1e6));
    }

    #[test]
    fn negative_or_non_finite_prices_are_not_valid() {
        assert!(Price::new(0.15, 0.6).is_valid() && Price::FREE.is_valid());
        assert!(!Price::new(-1.0, 0.6).is_valid());
        assert!(!Price::new(f64::NAN, 0.6).is_valid());
        assert!(!Price::new(0.1, f64::INFINITY).is_valid());
    }
}
