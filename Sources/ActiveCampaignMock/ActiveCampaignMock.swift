// ActiveCampaignMock module: see DESIGN.md
