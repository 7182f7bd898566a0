// Export module: see DESIGN.md
