"""The signatories stage: who signed each statement, one record per signatory entry."""

from claimscope.stages.signatories.stage import SignatoriesStage

__all__ = ["SignatoriesStage"]
