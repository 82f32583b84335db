"""The audit: auditor access in its window, the evidence freeze, renewal, downloads."""
