// ActiveCampaign module: see DESIGN.md
