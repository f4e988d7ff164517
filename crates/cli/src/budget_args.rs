//! The budget flags of `telltale run` (and `continue`): how long a run may take, how many tool
//! calls it may make, how many answer tokens it may write and what it may cost. Reaching one
//! prints `budget_reached` and an `error` with code `budget`, keeps the partial answer, and
//! exits 1.

use anyhow::Result;
use clap::{value_parser, Args};
use telltale_agent::budget::Budget;
use telltale_agent::pricing::Price;

#[derive(Args, Clone, Default)]
pub struct BudgetArgs {
    /// Stop the run after this many seconds
    #[arg(long, value_name = "N", value_parser = value_parser!(u64).range(1..))]
    max_seconds: Option<u64>,
    /// Stop the run rather than make more tool calls than this (a step whose calls would go past it runs none)
    #[arg(long, value_name = "N", value_parser = value_parser!(u32).range(1..))]
    max_tool_calls: Option<u32>,
    /// Stop the run once it has written more answer tokens than this (counted while streaming, corrected by the provider's usage)
    #[arg(long, value_name = "N", value_parser = value_parser!(u32).range(1..))]
    max_output_tokens: Option<u32>,
    /// Stop the run once it has cost more than this many US dollars (needs the model's price: the table shipped with the app, or your own in the settings)
    #[arg(long, value_name = "USD")]
    max_cost: Option<f64>,
}

impl BudgetArgs {
    /// The run's budget; `price` is what the model costs, when known (a cost budget needs it).
    pub fn budget(&self, model: &str, price: Option<Price>) -> Result<Budget> {
        let budget = Budget {
            max_seconds: self.max_seconds,
            max_tool_calls: self.max_tool_calls,
            max_output_tokens: self.max_output_tokens,
            max_cost_usd: self.max_cost,
        };
        budget.check().map_err(|e| anyhow::anyhow!("{e} (--max-cost)"))?;
        if budget.max_cost_usd.is_some() && price.is_none() {
            anyhow::bail!(
                "--max-cost needs the price of {model}, which Telltale does not know: add it to \
                 \"prices\" in the settings (dollars per million input and output tokens)"
            );
        }
        Ok(budget)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cost_budget_needs_a_price_and_a_positive_amount() {
        let args = BudgetArgs { max_cost: Some(0.5), ..BudgetArgs::default() };
        let error = args.budget("my-model", None).unwrap_err().to_string();
        assert!(error.contains("price of my-model"), "{error}");
        let budget = args.budget("gpt-4o", Some(Price::new(2.5, 10.0))).unwrap();
        assert_eq!(budget.max_cost_usd, Some(0.5));
        let negative = BudgetArgs { max_cost: Some(-1.0), ..BudgetArgs::default() };
        assert!(negative.budget("gpt-4o", Some(Price::FREE)).is_err());
        assert_eq!(BudgetArgs::default().budget("m", None).unwrap(), Budget::default());
    }
}
