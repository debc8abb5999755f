"""compliance/law/models"""
