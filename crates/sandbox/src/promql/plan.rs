//! The mapping from `promql-parser`'s syntax tree to the evaluator's own plan: every construct the
//! sandbox evaluates gets a typed node (selectors with compiled matchers, durations in
//! milliseconds, known functions and operators), and every other construct is refused up front
//! with a `bad_data` error naming it, so evaluation never meets something it cannot do.

use promql_parser::label::MatchOp as ParserMatchOp;
use promql_parser::parser::token::{self, TokenId};
use promql_parser::parser::{
    self, AtModifier, Expr, LabelModifier, Offset, VectorMatchCardinality, VectorSelector,
};
use regex::Regex;

use super::engine::{Compat, QueryError};
use super::functions::Func;
use super::tsdb::{MatchOp, Matcher};
use super::value::METRIC_NAME;

/// An evaluation plan node.
#[derive(Debug, Clone)]
pub enum Node {
    /// A number literal.
    Number(f64),
    /// A string literal.
    String(String),
    /// An instant vector selector.
    Selector(Selector),
    /// A range vector selector `sel[range]`.
    Range {
        /// The selector.
        selector: Selector,
        /// The range in milliseconds.
        range_ms: i64,
    },
    /// A subquery `expr[range:step]`.
    Subquery {
        /// The inner expression.
        expr: Box<Node>,
        /// The range in milliseconds.
        range_ms: i64,
        /// The step in milliseconds, when given.
        step_ms: Option<i64>,
        /// The offset in milliseconds.
        offset_ms: i64,
        /// The `@` modifier.
        at: Option<At>,
    },
    /// Unary minus.
    Neg(Box<Node>),
    /// A function call.
    Call {
        /// The function.
        func: Func,
        /// The arguments.
        args: Vec<Node>,
    },
    /// An aggregation.
    Aggregate {
        /// The operator.
        op: AggOp,
        /// `by`/`without`.
        grouping: Grouping,
        /// The parameter (`quantile`'s φ).
        param: Option<Box<Node>>,
        /// The aggregated expression.
        expr: Box<Node>,
    },
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Node>,
        /// Right operand.
        rhs: Box<Node>,
        /// Vector matching, for vector/vector operations.
        matching: Matching,
        /// The `bool` modifier.
        return_bool: bool,
    },
}

/// The type of a node's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// A scalar.
    Scalar,
    /// A string.
    String,
    /// An instant vector.
    Vector,
    /// A range vector.
    Matrix,
}

impl ValueType {
    /// The name Prometheus uses in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::Scalar => "scalar",
            ValueType::String => "string",
            ValueType::Vector => "instant vector",
            ValueType::Matrix => "range vector",
        }
    }
}

impl Node {
    /// The type of the node's value.
    pub fn value_type(&self) -> ValueType {
        match self {
            Node::Number(_) => ValueType::Scalar,
            Node::String(_) => ValueType::String,
            Node::Selector(_) | Node::Aggregate { .. } => ValueType::Vector,
            Node::Range { .. } | Node::Subquery { .. } => ValueType::Matrix,
            Node::Neg(inner) => inner.value_type(),
            Node::Call { func, .. } => func.return_type(),
            Node::Binary { lhs, rhs, .. } => {
                if lhs.value_type() == ValueType::Scalar && rhs.value_type() == ValueType::Scalar {
                    ValueType::Scalar
                } else {
                    ValueType::Vector
                }
            }
        }
    }
}

/// A vector selector with compiled matchers.
#[derive(Debug, Clone)]
pub struct Selector {
    /// All matchers, the metric name as a `__name__` equality matcher included.
    pub matchers: Vec<Matcher>,
    /// The offset in milliseconds (negative for `offset -5m`).
    pub offset_ms: i64,
    /// The `@` modifier.
    pub at: Option<At>,
}

/// The `@` modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// `@ start()`.
    Start,
    /// `@ end()`.
    End,
    /// `@ <timestamp>`, in milliseconds.
    Ms(i64),
}

/// An aggregation operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggOp {
    /// `sum`.
    Sum,
    /// `avg`.
    Avg,
    /// `min`.
    Min,
    /// `max`.
    Max,
    /// `count`.
    Count,
    /// `group`.
    Group,
    /// `stddev`.
    Stddev,
    /// `stdvar`.
    Stdvar,
    /// `quantile`.
    Quantile,
}

/// `by (...)` or `without (...)`; no clause is `By` with no labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grouping {
    /// Keep only these labels.
    By(Vec<String>),
    /// Drop these labels and the metric name.
    Without(Vec<String>),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `^`.
    Pow,
    /// `atan2`.
    Atan2,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `>`.
    Gt,
    /// `<`.
    Lt,
    /// `>=`.
    Ge,
    /// `<=`.
    Le,
    /// `and`.
    And,
    /// `or`.
    Or,
    /// `unless`.
    Unless,
}

impl BinOp {
    /// Whether this is a comparison operator.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Gt | BinOp::Lt | BinOp::Ge | BinOp::Le
        )
    }

    /// Whether this is a set operator.
    pub fn is_set(self) -> bool {
        matches!(self, BinOp::And | BinOp::Or | BinOp::Unless)
    }
}

/// How the two sides of a vector/vector operation match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    /// Plain one-to-one.
    OneToOne,
    /// `group_left`.
    ManyToOne,
    /// `group_right`.
    OneToMany,
    /// Set operators.
    ManyToMany,
}

/// Vector matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    /// The cardinality.
    pub card: Card,
    /// `on (...)` when true, `ignoring (...)` (or nothing) when false.
    pub on: bool,
    /// The `on`/`ignoring` labels.
    pub labels: Vec<String>,
    /// The `group_left`/`group_right` labels.
    pub include: Vec<String>,
}

/// Parses a query and maps it to a plan.
pub fn parse(query: &str, compat: Compat) -> Result<Node, QueryError> {
    // The parser is third-party code; a panic inside it must not take the server down.
    let parsed = std::panic::catch_unwind(|| parser::parse(query))
        .map_err(|_| QueryError::BadData("invalid parameter \"query\": unparsable".to_owned()))?;
    let expr = parsed.map_err(|e| QueryError::BadData(format!("invalid parameter \"query\": {e}")))?;
    plan(&expr, compat)
}

fn unsupported(what: impl std::fmt::Display) -> QueryError {
    QueryError::BadData(format!("{what} is not supported by the sandbox's PromQL engine"))
}

/// Maps a parsed expression to a plan.
pub fn plan(expr: &Expr, compat: Compat) -> Result<Node, QueryError> {
    Ok(match expr {
        Expr::NumberLiteral(n) => Node::Number(n.val),
        Expr::StringLiteral(s) => Node::String(s.val.clone()),
        Expr::Paren(p) => plan(&p.expr, compat)?,
        Expr::Unary(u) => Node::Neg(Box::new(plan(&u.expr, compat)?)),
        Expr::VectorSelector(vs) => Node::Selector(selector(vs, compat)?),
        Expr::MatrixSelector(ms) => Node::Range {
            selector: selector(&ms.vs, compat)?,
            range_ms: millis(ms.range),
        },
        Expr::Subquery(sq) => Node::Subquery {
            expr: Box::new(plan(&sq.expr, compat)?),
            range_ms: millis(sq.range),
            step_ms: sq.step.map(millis).filter(|s| *s > 0),
            offset_ms: offset(sq.offset.as_ref()),
            at: at(sq.at.as_ref()),
        },
        Expr::Call(call) => {
            let func = Func::from_name(call.func.name)
                .ok_or_else(|| unsupported(format_args!("function {:?}", call.func.name)))?;
            let args = call
                .args
                .args
                .iter()
                .map(|a| plan(a, compat))
                .collect::<Result<Vec<_>, _>>()?;
            Node::Call { func, args }
        }
        Expr::Aggregate(agg) => {
            let op = agg_op(agg.op.id())
                .ok_or_else(|| unsupported(format_args!("aggregation {:?}", agg.op.to_string())))?;
            let grouping = match &agg.modifier {
                None => Grouping::By(Vec::new()),
                Some(LabelModifier::Include(l)) => Grouping::By(sorted(&l.labels)),
                Some(LabelModifier::Exclude(l)) => Grouping::Without(sorted(&l.labels)),
            };
            let param = match &agg.param {
                Some(p) => Some(Box::new(plan(p, compat)?)),
                None => None,
            };
            Node::Aggregate {
                op,
                grouping,
                param,
                expr: Box::new(plan(&agg.expr, compat)?),
            }
        }
        Expr::Binary(bin) => {
            let op = bin_op(bin.op.id())
                .ok_or_else(|| unsupported(format_args!("operator {:?}", bin.op.to_string())))?;
            let mut matching = Matching {
                card: if op.is_set() {
                    Card::ManyToMany
                } else {
                    Card::OneToOne
                },
                on: false,
                labels: Vec::new(),
                include: Vec::new(),
            };
            let mut return_bool = false;
            if let Some(m) = &bin.modifier {
                if m.fill_values.lhs.is_some() || m.fill_values.rhs.is_some() {
                    return Err(unsupported("the fill modifier"));
                }
                return_bool = m.return_bool;
                match &m.card {
                    VectorMatchCardinality::OneToOne => {}
                    VectorMatchCardinality::ManyToMany => matching.card = Card::ManyToMany,
                    VectorMatchCardinality::ManyToOne(l) => {
                        matching.card = Card::ManyToOne;
                        matching.include = l.labels.clone();
                    }
                    VectorMatchCardinality::OneToMany(l) => {
                        matching.card = Card::OneToMany;
                        matching.include = l.labels.clone();
                    }
                }
                match &m.matching {
                    None => {}
                    Some(LabelModifier::Include(l)) => {
                        matching.on = true;
                        matching.labels = sorted(&l.labels);
                    }
                    Some(LabelModifier::Exclude(l)) => matching.labels = sorted(&l.labels),
                }
            }
            Node::Binary {
                op,
                lhs: Box::new(plan(&bin.lhs, compat)?),
                rhs: Box::new(plan(&bin.rhs, compat)?),
                matching,
                return_bool,
            }
        }
        Expr::Extension(_) => return Err(unsupported("an extension expression")),
    })
}

fn sorted(labels: &[String]) -> Vec<String> {
    let mut out = labels.to_vec();
    out.sort();
    out.dedup();
    out
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn offset(o: Option<&Offset>) -> i64 {
    match o {
        None => 0,
        Some(Offset::Pos(d)) => millis(*d),
        Some(Offset::Neg(d)) => -millis(*d),
    }
}

fn at(a: Option<&AtModifier>) -> Option<At> {
    a.map(|a| match a {
        AtModifier::Start => At::Start,
        AtModifier::End => At::End,
        AtModifier::At(t) => At::Ms(match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => millis(d),
            Err(before) => -millis(before.duration()),
        }),
    })
}

fn selector(vs: &VectorSelector, compat: Compat) -> Result<Selector, QueryError> {
    if !vs.matchers.or_matchers.is_empty() {
        return Err(unsupported("`or` inside label matchers"));
    }
    let mut matchers = Vec::with_capacity(vs.matchers.matchers.len() + 1);
    if let Some(name) = &vs.name {
        matchers.push(Matcher::equal(METRIC_NAME, name));
    }
    for m in &vs.matchers.matchers {
        let op = match &m.op {
            ParserMatchOp::Equal => MatchOp::Equal,
            ParserMatchOp::NotEqual => MatchOp::NotEqual,
            ParserMatchOp::Re(re) => MatchOp::Regex(regex(re, compat)?),
            ParserMatchOp::NotRe(re) => MatchOp::NotRegex(regex(re, compat)?),
        };
        matchers.push(Matcher {
            name: m.name.clone(),
            op,
            value: m.value.clone(),
        });
    }
    Ok(Selector {
        matchers,
        offset_ms: offset(vs.offset.as_ref()),
        at: at(vs.at.as_ref()),
    })
}

/// The parser anchors regexes as `^(?:re)$`; Prometheus 3 also lets `.` match a newline.
fn regex(parsed: &Regex, compat: Compat) -> Result<Regex, QueryError> {
    match compat {
        Compat::Prometheus2 => Ok(parsed.clone()),
        Compat::Prometheus3 => Regex::new(&format!("(?s){}", parsed.as_str()))
            .map_err(|e| QueryError::BadData(format!("invalid regular expression: {e}"))),
    }
}

fn agg_op(id: TokenId) -> Option<AggOp> {
    Some(match id {
        token::T_SUM => AggOp::Sum,
        token::T_AVG => AggOp::Avg,
        token::T_MIN => AggOp::Min,
        token::T_MAX => AggOp::Max,
        token::T_COUNT => AggOp::Count,
        token::T_GROUP => AggOp::Group,
        token::T_STDDEV => AggOp::Stddev,
        token::T_STDVAR => AggOp::Stdvar,
        token::T_QUANTILE => AggOp::Quantile,
        _ => return None,
    })
}

fn bin_op(id: TokenId) -> Option<BinOp> {
    Some(match id {
        token::T_ADD => BinOp::Add,
        token::T_SUB => BinOp::Sub,
        token::T_MUL => BinOp::Mul,
        token::T_DIV => BinOp::Div,
        token::T_MOD => BinOp::Mod,
        token::T_POW => BinOp::Pow,
        token::T_ATAN2 => BinOp::Atan2,
        token::T_EQLC => BinOp::Eq,
        token::T_NEQ => BinOp::Ne,
        token::T_GTR => BinOp::Gt,
        token::T_LSS => BinOp::Lt,
        token::T_GTE => BinOp::Ge,
        token::T_LTE => BinOp::Le,
        token::T_LAND => BinOp::And,
        token::T_LOR => BinOp::Or,
        token::T_LUNLESS => BinOp::Unless,
        _ => return None,
    })
}
