module sos

go 1.26.8
