from .blocks import DoubleConv, Down, Up
