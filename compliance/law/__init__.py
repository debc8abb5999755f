"""compliance/law"""
