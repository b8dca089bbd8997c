"""`lam-bot handle-issue`: a labelled GitHub issue becomes a pull request adding an agent."""
